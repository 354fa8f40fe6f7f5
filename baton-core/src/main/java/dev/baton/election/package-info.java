/**
 * Fenced leader election, interoperable with etcd's own.
 *
 * <p><b>Model.</b> An {@link dev.baton.election.Election} is a prefix; it uses the key layout of
 * etcd's Go {@code concurrency} package, so Baton members, Go services and {@code etcdctl elect
 * NAME} contend in the same election. A member campaigns by creating its candidate key
 * {@code <prefix>/<lease-hex>} on its {@link dev.baton.session.Session session} lease, in one
 * transaction {@code if createRevision(key) == 0 then put(key, value, lease) else get(key)}. The
 * leader is the candidate with the lowest create revision; every other candidate watches for the
 * deletion of the candidate created just before it (re-reading the election when older ones
 * remain), so one deletion wakes one waiter. The candidate key's create revision is the leader's fencing token
 * ({@link dev.baton.election.Leadership#token()}): unique per term, and increasing from one leader
 * to the next. {@link dev.baton.election.Leadership#proclaim} (a put) and
 * {@link dev.baton.election.Leadership#resign} (a delete) are each one transaction guarded by
 * {@code createRevision(key) == token}, as are the user's own writes through
 * {@link dev.baton.election.Leadership#fence()}. Followers use
 * {@link dev.baton.election.Election#observe} to learn who leads and what it proclaimed.
 * {@link dev.baton.election.LeaderService} runs leader-only work for as long as the leadership
 * holds and campaigns again after it is lost.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 *   <li>At most one member holds a valid leadership at any instant: a leadership is valid only
 *       while its session is valid (checked against the monotonic deadline at the moment of the
 *       call), and the session declares LOST before etcd can expire the lease and elect anyone
 *       else (rule 3 of {@code docs/architecture.md}). A deposed leader's fenced writes fail in the store, however late they
 *       arrive (rule 2).</li>
 *   <li>Leadership is lost exactly once: {@link dev.baton.election.Leadership#lost()} completes
 *       for the first of session LOST, session CLOSED, candidate key deleted, or resign, and
 *       {@link dev.baton.election.Leadership#isValid()} is false from that instant on. On resign the
 *       key is deleted only after the callbacks on {@code lost()} have run, so the successor is
 *       elected after this member stopped leading. A deletion by another client can only be
 *       noticed after the fact; the fence is what protects writes then.</li>
 *   <li>A campaign never leaves a stray candidate: a withdrawn or timed-out candidacy deletes its
 *       key (fenced), and a create whose outcome is unknown is resolved by the create's own compare
 *       or by reading back, never by a blind retry (rule 4).</li>
 *   <li>Observers see every change of leader and of its value in store order, and after a
 *       compaction or a broken watch only real differences (rule 5).</li>
 *   <li>Callbacks and future completions run on the connection's callback executor, never on
 *       gRPC threads (rule 6).</li>
 * </ul>
 *
 * <p><b>On each session state.</b>
 * <ul>
 *   <li>{@code CONNECTED} — campaigns run; leadership is valid.</li>
 *   <li>{@code SUSPENDED} — campaigns keep running and a leadership stays valid until the
 *       session's deadline; {@link dev.baton.election.Leadership#isValid()} turns false at the
 *       deadline itself, even before the LOST notice is delivered.</li>
 *   <li>{@code LOST} — a running campaign fails with
 *       {@link dev.baton.election.CandidacyLostException} ({@code SESSION_LOST}); a leadership is
 *       lost with {@code SESSION_LOST}. New campaigns are refused until the session is CONNECTED
 *       again with a new lease; a {@code LeaderService} waits for that and campaigns again.</li>
 *   <li>{@code CLOSED} — campaigns fail and leadership is lost with {@code SESSION_CLOSED}; the
 *       lease is revoked, so the successor is elected at once. Campaigns are refused for good.</li>
 * </ul>
 *
 * <p><b>Limits.</b> A prefix must not be blank, end in {@code /}, hold control characters or be
 * over 4 KiB; a value is at most {@link dev.baton.election.Election#MAX_VALUE_BYTES} (1 MiB). Do
 * not nest elections ({@code a} and {@code a/b}): the candidates of {@code a/b} would count in
 * {@code a}, exactly as with etcd's own election.
 */
package dev.baton.election;
