/**
 * The member session: one etcd lease per member, kept alive, with explicit states.
 *
 * <p>Every ephemeral key of a member (its member key, election candidacies, task claims,
 * allocator assignments) is bound to the lease of its {@link dev.baton.session.Session}, so
 * steady-state store load is one keep-alive per member every TTL/3, whatever the number of keys.
 *
 * <p>States ({@link dev.baton.session.SessionState}):
 * <ul>
 *   <li>{@code CONNECTED} — the last keep-alive was acknowledged and the local deadline is ahead.</li>
 *   <li>{@code SUSPENDED} — a keep-alive failed or is late. Ownership is still valid until the
 *       deadline; recipes keep working but should not start new long work.</li>
 *   <li>{@code LOST} — the local deadline passed: (monotonic send time of the last acknowledged
 *       keep-alive) + TTL − margin. etcd cannot have expired the lease before this instant, because
 *       it refreshed the lease no earlier than that send time, so a member that steps down on LOST
 *       steps down before anyone else can be given what it owned. Everything held under the old
 *       lease is gone; the session then grants a new lease (with backoff, and at once when the
 *       connection comes back) and returns to
 *       {@code CONNECTED} with a different {@link dev.baton.session.Session#lease()}. Once the new
 *       lease is granted (the store serves again) it revokes the old one, trying again with
 *       backoff (100 ms doubling up to 2 s, for at most three TTLs, until the session is closed)
 *       until the store answers that it is revoked or gone, so the old lease's keys go as soon as
 *       the store can delete them rather than when it expires; the outcome is logged in one
 *       line.</li>
 *   <li>{@code CLOSED} — {@link dev.baton.session.Session#close()} revoked the lease, so successors
 *       take over at once. Terminal.</li>
 * </ul>
 *
 * <p>Listeners are called on the connection's callback executor, one at a time, in the order the
 * transitions happened. {@link dev.baton.session.Session#isValid()} checks the deadline against the
 * clock at the moment of the call, so it is exact even when a listener has not run yet.
 *
 * <p>Lifetime: every Baton thread is a daemon, so none keeps the JVM alive. A member whose JVM
 * exits without closing its session leaves the lease, and everything bound to it, in etcd until
 * the lease expires; closing revokes it, and successors take over at once. A worker's {@code main}
 * therefore waits for its stop and closes its resources:
 * {@link dev.baton.session.Shutdown#awaitAndClose} does both in one call.
 */
package dev.baton.session;
