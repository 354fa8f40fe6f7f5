/**
 * The workloads whose side effects make up a chaos run's history. A
 * {@link dev.baton.chaos.workload.ChaosWorker} is one worker process: a session, a task member
 * whose handler appends to the ledger through transactions fenced by its claim, a leader service
 * appending with the leadership's fence, an allocator member and candidate, and a keyspace cache
 * that logs every event it delivers. The register workload and the recorders run in the
 * controlling process.
 */
package dev.baton.chaos.workload;
