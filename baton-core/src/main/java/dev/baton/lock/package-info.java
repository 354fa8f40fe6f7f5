/**
 * Fenced locks: a mutex, a read-write lock and a semaphore, interoperable with etcd's own.
 *
 * <p><b>Model.</b> A lock is a name; its contenders are keys under {@code <name>/}, each on the
 * member's {@link dev.baton.session.Session session} lease (one lease per member, never one per
 * lock: docs/architecture.md rule 1). A contender creates its key in one transaction
 * {@code if createRevision(key) == 0 then put(key, attempt-id, lease) else get(key)} that also reads
 * the lock's keys, and holds when fewer than the lock's permits of the keys that can block it are
 * older, by create revision.
 * A waiter watches from just after the read that made it wait: the nearest older blocker when one
 * permit is shared, so one deletion wakes one waiter; every deletion under the name for a semaphore
 * of several permits. Keys created later are never older, so every lock is fair, first created first
 * served. An uncontended acquire is that one transaction and a release one fenced delete; the
 * watch on the contender's own key, which notices a deletion by another client, opens only after a
 * short delay, from the create's revision, so short holds never open it and miss nothing.
 * {@link dev.baton.lock.Mutex} uses etcd's {@code concurrency.Mutex} layout
 * ({@code <name>/<lease-hex>}), so Baton, Go services and {@code etcdctl lock NAME} exclude each
 * other; {@link dev.baton.lock.ReadWriteLock} uses the layout of etcd's RWMutex recipe
 * ({@code <name>/read/…}, {@code <name>/write/…}); {@link dev.baton.lock.Semaphore} keys are
 * {@code <name>/<lease-hex>-<n>}. The layout is in docs/keyspace.md.
 *
 * <p><b>Fencing.</b> A {@link dev.baton.lock.HeldLock} carries its token, the key's create revision,
 * and {@link dev.baton.lock.HeldLock#fence()}, the compare {@code createRevision(key) == token}.
 * A write into the store made in a transaction with that compare lands only while the key exists,
 * so a holder that lost the lock (its process paused past the TTL, its session cut off) cannot
 * overwrite the next holder's work, however late the write arrives (rule 2). What the fence cannot
 * protect: side effects outside the store, such as a file written, a mail sent or a call to another
 * service. For those, pass the token along and let the receiving system refuse tokens lower than one
 * it has seen, or accept that a holder can act for a short while after its lock was lost.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>At most the lock's permits of holders are valid at any instant: a hold is valid only while
 *       its session is valid (checked against the monotonic deadline at the moment of the call),
 *       and the session declares LOST before etcd can expire the lease and admit anyone else
 *       (rule 3).</li>
 *   <li>A hold is lost exactly once: {@link dev.baton.lock.HeldLock#lost()} completes for the
 *       first of session LOST, session CLOSED, key deleted, or release, and
 *       {@link dev.baton.lock.HeldLock#isValid()} is false from that instant on. On release the key
 *       is deleted only after the callbacks on {@code lost()} have run, so the next holder is
 *       admitted after this one stopped.</li>
 *   <li>A wait never leaves a stray key: a released or timed-out attempt deletes its key (fenced),
 *       and a create whose outcome is unknown is resolved by the create's own compare or by reading
 *       back, never by a blind retry (rule 4).</li>
 *   <li>Futures complete on the connection's callback executor, never on gRPC threads (rule 6).</li>
 * </ul>
 *
 * <p><b>Not reentrant.</b> A lock object runs one attempt at a time: acquiring again while it holds
 * or waits fails with {@link java.lang.IllegalStateException}, and so does a second
 * {@code Mutex} on the same session and name (it would derive the same key). Use one object per
 * concurrent holder, on its own session for a mutex.
 *
 * <p><b>On each session state.</b> {@code CONNECTED}: attempts run, holds are valid.
 * {@code SUSPENDED}: attempts go on and a hold stays valid until the session's deadline, when
 * {@code isValid()} turns false even before the LOST notice is delivered. {@code LOST}: a wait fails
 * with {@link dev.baton.lock.LockLostException} and a hold is lost with {@code SESSION_LOST}; new
 * attempts are refused until the session is CONNECTED again with a new lease. {@code CLOSED}: waits
 * fail and holds are lost with {@code SESSION_CLOSED}; the lease is revoked, so the next contender
 * holds at once.
 *
 * <p><b>Limits.</b> A name follows the rules of a {@link dev.baton.etcd.RecipeName}, as an
 * election's does: not empty or blank, no whitespace at either end, no trailing {@code /}, no
 * control characters, valid Unicode, at most 4 KiB; a semaphore has at least one permit; a timeout is positive. Do not nest locks
 * ({@code a} and {@code a/b}): the contenders of {@code a/b} would count in {@code a}, exactly as
 * with etcd's own mutex.
 */
package dev.baton.lock;
