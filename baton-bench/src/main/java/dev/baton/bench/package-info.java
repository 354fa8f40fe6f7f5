/**
 * Benchmarks that run outside the test suite, each a {@code main} with a documented command.
 * {@link dev.baton.bench.StoreBenchmark} compares the embedded server with real etcd on the same
 * machine, both with fsync on, both in their own process, driven by the same client code.
 */
package dev.baton.bench;
