/**
 * The {@code store} scenario: the embedded server against real etcd on the same machine, both
 * with fsync on, both in their own process, driven by the same plain gRPC client code.
 */
package dev.baton.bench.store;
