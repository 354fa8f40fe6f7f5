/**
 * The {@code alloc} scenario: the allocator's pure solver at scale (time, and moves per change
 * against a lower bound computed from loads and replica counts alone); and {@code alloc-live}:
 * the allocator's leader on a live store (etcd and the embedded server) with a simulated fleet
 * of members, timing placement, a join and a leave, and counting rounds and moves.
 */
package dev.baton.bench.alloc;
