/**
 * The task scenarios on real etcd: {@code claim} (5 members against raw single-key txns),
 * {@code steady-load} (one lease per member against a per-task TTL refresher shaped like seed
 * 000's) and {@code rebalance} (moves when a member joins or leaves, against the fewest possible).
 * Every member runs in the benchmark's JVM with its own connection and session.
 */
package dev.baton.bench.tasks;
