/**
 * {@code baton bench}: scenario benchmarks that put each capability of Baton next to what users
 * would pick instead, measured in the same run on the same machine.
 *
 * <p>A {@link dev.baton.bench.Scenario} returns {@link dev.baton.bench.Figure}s (Baton's value,
 * the baseline's, their ratio, and percentiles where they apply); {@link dev.baton.bench.Scenarios}
 * lists them in the order {@code all} runs them; {@link dev.baton.bench.BenchCommand} runs them,
 * prints a table per scenario or one JSON object per figure, and writes the Markdown report with
 * its charts. Scenarios start real etcd and the embedded server in their own processes through
 * {@link dev.baton.bench.BenchRun}, which stops them when the scenario ends. Nothing here asserts
 * anything about speed: a run fails only when a scenario could not produce its figures.
 */
package dev.baton.bench;
