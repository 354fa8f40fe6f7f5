/** The {@code locks} scenario: mutex latency of Baton, jetcd's lock client and Curator's mutex. */
package dev.baton.bench.locks;
