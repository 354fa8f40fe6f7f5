/**
 * The keyspace cache: a decoded, sorted, consistent local mirror of every key under a prefix, with
 * exact change events.
 *
 * <p><b>Model.</b> A {@link dev.baton.cache.KeyspaceCache} reads its prefix once at a revision
 * (paged, consistent), then watches it from that revision + 1 through the facade's resumable watch,
 * which reconnects after outages without missing or repeating a change. Every value goes through
 * the user's {@link dev.baton.cache.ValueDecoder} once, when its write arrives. The contents are an
 * immutable copy-on-write B+tree keyed by the key bytes after the prefix (etcd's byte order), with
 * each key's metadata (create and mod revision, version, lease) stored inline; each applied change
 * publishes a new tree, so {@link dev.baton.cache.KeyspaceCache#snapshot()} is free, never blocks
 * the watch, and stays consistent at one revision for as long as it is held.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li><b>Consistent reads.</b> {@code get}, {@code snapshot} and {@code revision} read one
 *       published state: the store's contents under the prefix at exactly {@code revision()}.</li>
 *   <li><b>Read your writes.</b> {@link dev.baton.cache.KeyspaceCache#awaitRevision} returns once
 *       the cache has applied a given revision, e.g. the one a put returned. It normally completes
 *       on the watch event; when that does not come within a short grace period (the revision
 *       changed nothing under the prefix, or the watch lags), the cache reads the prefix at the
 *       current revision and applies the difference as the watch would have (a key found gone is
 *       reported at the read's revision, the only one known), and skips the watch's events up to
 *       that revision when they arrive. It does not use requested
 *       progress notifications: etcd before 3.4.25 and 3.5.8 may answer one ahead of events it has
 *       not sent yet (etcd issue 15220), which would make the watch drop those events as repeats.</li>
 *   <li><b>History lost.</b> When the watch reports that its resume revision was compacted, the
 *       cache reloads the prefix (retrying with capped, jittered backoff), reports only the real
 *       differences against what it held (ADDED, CHANGED, REMOVED, DECODE_FAILED), then one
 *       {@code RESYNCED} marker, and watches again from the reload's revision + 1. A key counts as
 *       different when its mod or create revision differs, so a reload that finds nothing new
 *       reports only the marker, and unchanged values are neither decoded again nor reported. A
 *       key rewritten with an identical value while history was lost is reported as CHANGED, like
 *       the watch reports every write.</li>
 *   <li><b>Same-value rewrites</b> are writes: each is reported once, as CHANGED, with its new mod
 *       revision (old and new value equal). Listeners that only care about values compare them.</li>
 *   <li><b>Undecodable values</b> never stop the cache. The key leaves the decoded view (get and
 *       snapshots do not serve it), appears in {@link dev.baton.cache.KeyspaceCache#decodeErrors()}
 *       with the revision and the cause, and listeners get DECODE_FAILED. Every other key is served
 *       as usual; a later write that decodes puts the key back and clears the error.</li>
 *   <li><b>Callbacks</b> run on the listener executor (by default the etcd connection's
 *       {@code baton-callback-N} threads), never on gRPC threads; decoding runs on the callback
 *       executor that delivers the watch.</li>
 *   <li>The cache's state ({@link dev.baton.cache.CacheState}) is logged once per change;
 *       {@code close()} is idempotent and bounded: it stops the watch, drops undelivered events and
 *       fails pending waits without waiting for a running listener.</li>
 * </ul>
 *
 * <p><b>Events and the slow-listener policy.</b> Each listener has its own queue, coalesced per
 * key. The watch applies a change to the cache at once and then merges it into every listener's
 * queue: a key has at most one waiting entry, holding the value the listener last saw and the
 * newest value and revision; a newer change moves the key to the back of the queue. A listener
 * that keeps up receives every change one by one. A listener that falls behind receives the net
 * change of each key since it last saw it: ADDED then REMOVED is nothing, CHANGED twice is one
 * CHANGED from the older value to the newer, REMOVED then ADDED is CHANGED. Memory therefore stays
 * bounded by the number of keys (at most one entry per key per listener, plus one RESYNCED marker),
 * never by the number of changes, and a blocked listener never stalls the watch or the other
 * listeners. What stays guaranteed under coalescing:
 * <ul>
 *   <li>Events arrive one at a time, in non-decreasing mod revision; a key's events in strictly
 *       increasing revision. Each event's old value is exactly the new value of that key's previous
 *       event (null when none), so nothing is repeated or missed for the listener's view.</li>
 *   <li>Replaying a listener's events onto an empty map gives the cache's contents as soon as its
 *       queue is empty ({@link dev.baton.cache.KeyspaceCache#pendingEvents()} is 0).</li>
 *   <li>A RESYNCED marker comes after every difference of the reload it marks.</li>
 *   <li>What coalescing gives up: the intermediate values of a key, and, while a backlog drains,
 *       the property that the listener's view equals the store at some revision (keys moved to
 *       the back show their newest state later than keys ahead of them).</li>
 * </ul>
 * A listener given to the builder receives the initial load as ADDED events followed by a RESYNCED
 * marker; one added later receives the current view the same way, then the changes.
 */
package dev.baton.cache;
