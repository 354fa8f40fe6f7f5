/**
 * The task scenarios on real etcd: {@code claim} (5 members against raw single-key txns),
 * {@code steady-load} (one lease per member against a per-task TTL refresher shaped like seed
 * 000's), {@code rebalance} (moves when a member joins or leaves, against the fewest possible),
 * {@code throughput} (short tasks completed end to end, on etcd and on the embedded server,
 * against db-scheduler on a PostgreSQL the scenario starts) and {@code scale} (10 members and many
 * tasks: claims against raw txns, heap, threads and store load). Every member runs in the
 * benchmark's JVM with its own connection and session.
 */
package dev.baton.bench.tasks;
