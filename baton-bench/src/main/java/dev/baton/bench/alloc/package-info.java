/**
 * The {@code alloc} scenario: the allocator's pure solver at scale (time, and moves per change
 * against a lower bound computed from loads and replica counts alone).
 */
package dev.baton.bench.alloc;
