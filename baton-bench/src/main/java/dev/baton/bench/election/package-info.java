/**
 * The {@code election} scenario: how long leadership is vacant when a leader resigns and when its
 * JVM is killed with {@code kill -9}, for Baton's election, for jetcd's election client (etcd's
 * server-side election service) on the same etcd, and for Apache Curator's {@code LeaderLatch} on
 * ZooKeeper, all with sessions that expire 2 s after their holder stops renewing them.
 *
 * <p>The systems take their trials in turns, one at a time, so that on a shared machine they meet
 * the same load ({@link dev.baton.bench.election.HandoverTrials}). A handover is timed from just
 * before the event (the resign call, the {@code SIGKILL}) to the successor's own "you lead"
 * callback, both read in the benchmark's JVM. A killed leader's session ends only when the store
 * expires it, so that handover is bounded below by the session timeout minus the time since the
 * leader's last renewal.
 */
package dev.baton.bench.election;
