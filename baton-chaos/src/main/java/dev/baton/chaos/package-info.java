/**
 * The chaos suite: Baton's invariants checked on histories recorded while real processes crash,
 * pause and lose the store, and while the store itself fails.
 *
 * <p>{@link dev.baton.chaos.ChaosCommand} runs scenarios; a scenario is one nemesis
 * ({@code dev.baton.chaos.fault}) injected repeatedly, at random intervals drawn from the seed,
 * into a fleet of worker processes ({@code dev.baton.chaos.workload}) on a three-member etcd
 * cluster or the embedded server, with compaction throughout ({@code cli-worker-kill} runs
 * {@code baton worker} processes instead, see {@link dev.baton.chaos.CliWorkerRun}). The
 * workloads record what they did;
 * the checkers ({@code dev.baton.chaos.check}, {@code dev.baton.chaos.linear}) are pure functions
 * of those records and decide. Only the liveness checker looks at time, against a stated bound.
 */
package dev.baton.chaos;
