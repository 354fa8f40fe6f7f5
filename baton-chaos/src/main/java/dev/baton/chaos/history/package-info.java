/**
 * What a chaos run records: plain values, written by the workloads and the fault injector and
 * read by the checkers, which are pure functions of them.
 *
 * <p>Times are {@link java.lang.System#nanoTime()} values. On Linux every JVM reads the same
 * monotonic clock ({@code CLOCK_MONOTONIC}), so times recorded by different processes on one
 * machine compare directly; the suite runs every process on one machine. The exception is
 * {@link dev.baton.chaos.history.ProcessRun}: its heartbeats are written by task shells with
 * {@code date}'s wall clock, and compare only with one another.
 */
package dev.baton.chaos.history;
