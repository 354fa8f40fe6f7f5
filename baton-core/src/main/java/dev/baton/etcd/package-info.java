/**
 * A thin facade over jetcd with exactly what Baton's recipes need.
 *
 * <p>{@link dev.baton.etcd.Etcd} reads ranges (paged, at one revision), commits transactions
 * of {@link dev.baton.etcd.Guard}s and {@link dev.baton.etcd.Operation}s (built with
 * {@link dev.baton.etcd.Compares} and {@link dev.baton.etcd.Operations}; no jetcd type appears in
 * Baton's public signatures), grants,
 * refreshes and revokes leases, and opens {@link dev.baton.etcd.Watch watches} that resume
 * after disconnects.
 *
 * <p>Guarantees:
 * <ul>
 *   <li><b>Callbacks never run on I/O threads.</b> Every future returned here completes on the
 *       facade's callback executor, and watch events are delivered on it, one watch at a time in
 *       order (rule 6 of {@code docs/architecture.md}).</li>
 *   <li><b>No blind write retries.</b> Puts, deletes and transactions are sent once. A write whose
 *       outcome is unknown (timeout, connection lost) fails with that error; the recipe resolves it
 *       by reading back (rule 4 of {@code docs/architecture.md}). Reads may be retried by jetcd when the server is
 *       unavailable; that is safe.</li>
 *   <li><b>Watches never miss and never repeat.</b> A watch tracks the revision after the last
 *       event it delivered (or the last progress notification) and, when its stream breaks,
 *       reopens from exactly there with capped, jittered backoff. When that revision has been
 *       compacted the watch ends with {@link dev.baton.etcd.WatchListener#onCompacted}, a
 *       distinct signal, never a silent skip (rule 5 of {@code docs/architecture.md}).</li>
 *   <li>Every request is bounded by the request timeout; a call never hangs on a dead endpoint.</li>
 *   <li><b>A member without a leader refuses at once.</b> Every call carries etcd's require-leader
 *       metadata, so a member cut off from its cluster's leader answers "etcdserver: no leader"
 *       (UNAVAILABLE, nothing applied) instead of holding the call until it times out, and the next
 *       attempt goes to another member.</li>
 *   <li><b>Reconnecting does not depend on the outage history.</b> While the connection is
 *       failing it tries again every 200 ms, where gRPC alone waits longer after each failure (up
 *       to minutes after a few back-to-back outages); an outage logs one line when it starts and
 *       one when the connection is back, never a line per attempt.</li>
 *   <li><b>Secrets stay secret.</b> TLS (a trusted CA, optionally a client certificate) and etcd
 *       user credentials are set on the builder, whose {@code build()} validates every file
 *       before connecting; the password reaches jetcd only and appears in no string, message or
 *       log line of this package.</li>
 * </ul>
 */
package dev.baton.etcd;
