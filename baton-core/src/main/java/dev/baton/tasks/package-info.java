/**
 * Tasks: named units of work that members of a fleet claim, run, release and finish, each
 * driven by a small persisted state machine. {@link dev.baton.tasks.TaskClient} submits,
 * deletes, lists and commands tasks; a {@link dev.baton.tasks.TaskMember} joins the fleet with a
 * session and runs the tasks its {@link dev.baton.tasks.Balancer} gives it. The model (ids,
 * properties, states, the transition table, the balancer, the commands) is pure: values in,
 * values out, time from an injected clock, so every rule is tested without a store.
 *
 * <h2>Tasks and their data</h2>
 * A task is named by a {@link dev.baton.tasks.TaskId} (1 to 128 bytes of UTF-8, no {@code '/'},
 * no control characters) and carries {@link dev.baton.tasks.TaskProperties}, one JSON object of
 * at most 64 KiB. Every rejection of input, here and in the parsers below, is a
 * {@link dev.baton.tasks.TaskFormatException} naming the offending value (quoted, cut to 64
 * characters) and the rule it breaks.
 *
 * <h2>The state machine</h2>
 * A task's {@link dev.baton.tasks.TaskState} has a {@link dev.baton.tasks.TaskStatus}; a
 * {@link dev.baton.tasks.TaskMessage} moves it by this table, the single source of
 * {@link dev.baton.tasks.TaskStateMachine} ("—": refused with an
 * {@link dev.baton.tasks.IllegalTransitionException} naming the pair, the state unchanged):
 *
 * <table>
 * <caption>status × message → next status</caption>
 * <tr><th>status</th><th>RUN</th><th>PAUSE</th><th>SLEEP</th><th>RELEASE</th><th>ERROR</th>
 *     <th>COMPLETE</th><th>KILL</th><th>CHECKPOINT</th></tr>
 * <tr><td>RUNNABLE</td><td>—</td><td>PAUSED</td><td>SLEEPING</td><td>RUNNABLE</td>
 *     <td>FAULT¹</td><td>COMPLETED</td><td>KILLED</td><td>RUNNABLE</td></tr>
 * <tr><td>PAUSED</td><td>RUNNABLE</td><td>—</td><td>—</td><td>PAUSED</td>
 *     <td>—</td><td>—</td><td>KILLED</td><td>—</td></tr>
 * <tr><td>SLEEPING</td><td>RUNNABLE</td><td>PAUSED</td><td>—</td><td>SLEEPING</td>
 *     <td>—</td><td>—</td><td>KILLED</td><td>—</td></tr>
 * <tr><td>FAULT</td><td>RUNNABLE</td><td>PAUSED</td><td>—</td><td>FAULT</td>
 *     <td>—</td><td>—</td><td>KILLED</td><td>—</td></tr>
 * <tr><td>COMPLETED, FAILED, KILLED</td><td>—</td><td>—</td><td>—</td><td>—</td>
 *     <td>—</td><td>—</td><td>—</td><td>—</td></tr>
 * </table>
 *
 * <p>¹ FAILED instead when the {@link dev.baton.tasks.RetryPolicy} has no attempt left.
 *
 * <p>Reading the table: only a RUNNABLE task runs its handler, so only RUNNABLE accepts what a
 * run produces (SLEEP, ERROR, COMPLETE, CHECKPOINT). RUN is how a task becomes runnable again:
 * a resume command for a paused task, the wake-up of a sleeping one, the retry of a fault
 * (sent by the runner when {@code until} passes, or early by a resume). RELEASE gives up the
 * claim and keeps the status, so the next owner continues where this one stopped. KILL ends any
 * task that has not ended. The terminal statuses accept nothing: a finished task cannot be
 * brought back by a late message.
 *
 * <p>Faults: an ERROR counts a failed run and, with the default policy, the task is retried 1,
 * 2, 4, 8 s (each shortened by up to 20 % jitter) after its first four consecutive failures and
 * FAILED on the fifth; the backoff doubles up to 60 s when more attempts are configured. A task
 * submitted with a retry policy of its own ({@link dev.baton.tasks.TaskOptions}) is retried by
 * that one instead, and a run that outlasts the task's timeout is stopped and applied as an
 * ERROR. A SLEEP or CHECKPOINT (progress) resets the count. The state, with its {@code since}, attempt count,
 * {@code until}, last error and the handler's opaque checkpoint, is stored as a small JSON
 * record whose decoder refuses corrupt input.
 *
 * <h2>Balancing</h2>
 * A {@link dev.baton.tasks.Balancer} turns one member's {@link dev.baton.tasks.BalanceView} of
 * members and claims into a {@link dev.baton.tasks.BalanceDecision}: what to release now and what
 * to try to claim. The default {@link dev.baton.tasks.FairBalancer} brings every member to
 * ⌊N/M⌋ or ⌈N/M⌉ tasks while moving the fewest tasks possible, releases the most recently claimed
 * tasks first, and never claims a task the member released within its hold-off. The balancer
 * decides how many tasks a member claims; when unclaimed tasks differ in priority, the member
 * takes that many from the highest priorities first.
 *
 * <h2>Commands</h2>
 * {@link dev.baton.tasks.MemberCommand}s (freeze, unfreeze, balance, release a task) and
 * {@link dev.baton.tasks.TaskCommand}s (pause, resume, stop, kill) are small JSON objects with
 * strict parsers: an unknown or malformed command is a {@code TaskFormatException} to report,
 * never a reason for a member to fail.
 *
 * <h2>In the store</h2>
 * The key layout is in {@code docs/keyspace.md}. The guarantees, each kept by one transaction:
 * <ul>
 *   <li><b>Claim</b>: owner key absent, task present and not done → owner key on the member's
 *       session lease (one lease per member, so the store's load at rest does not grow with the
 *       number of tasks). The owner key's create revision is the claim token;
 *       {@link dev.baton.tasks.TaskContext#fence()} is the ready compare for a handler's own
 *       writes.</li>
 *   <li><b>No handler starts before the task's not-before</b> (on the member's clock); a member
 *       may claim the task up to its claim window (250 ms by default) earlier and holds it until
 *       then.</li>
 *   <li><b>Every write for a claim is fenced</b>: state changes, consumed commands, the release
 *       and the retirement all compare the token, so a member that lost its claim (session lost,
 *       process paused, task deleted) can never write.</li>
 *   <li><b>Done is final</b>: retiring deletes the task's records and writes its done record in
 *       one revision; a claim racing it fails, so a finished task never comes back. The done
 *       record keeps the spec and, for a completed task, the {@link dev.baton.tasks.TaskResult}
 *       its handler set, so the result is stored by the same fenced write as the completion.</li>
 *   <li><b>Commands are delivered reliably</b>: stored until applied, consumed in the same
 *       transaction that applies them (a task command only by the claim holder), kept across
 *       member restarts; unknown, malformed and inapplicable ones are reported
 *       ({@link dev.baton.tasks.MemberStatus#rejected()}) and deleted.</li>
 *   <li><b>No blind retries</b>: a write whose outcome is unknown is resolved by reading the task
 *       back.</li>
 * </ul>
 *
 * <h2>Retention of done records</h2>
 * A finished task's done record stays until {@link dev.baton.tasks.TaskClient#delete} removes it
 * or a {@link dev.baton.tasks.TaskRetention} sweep does, so the store does not grow with history.
 * A sweep runs on behalf of a leader ({@link dev.baton.election.Leadership}, typically as a
 * {@link dev.baton.election.LeaderService} periodic action) and removes, by its
 * {@link dev.baton.tasks.RetentionPolicy}, the done records older than the max age and, oldest
 * first, those beyond the max count (defaults 24 h and 10,000). It deletes done keys only, in
 * transactions of at most 127 records fenced by the leadership's token and comparing each done
 * key's mod revision as read: a live task is never touched, a deposed leader removes nothing, and
 * a record written again since the sweep read it (the id re-submitted and retired again) stays.
 * Which records go is a pure function of the records, the policy and the time.
 *
 * <h2>A member's life</h2>
 * A member registers under {@code members/<id>}, follows the namespace through one watch into a
 * compact table (revisions, sizes, owner, status and not-before of every task; no properties),
 * and balances after the changes it sees (a member joining or leaving, a task submitted, released
 * or finished), not on a timer: at once after a quiet moment, at most every 20 ms under a storm
 * of changes, backing off to once a second while passes can do nothing; and, since a pass reads
 * every task, after a pass that did nothing never sooner than 8 times its own duration. A task with
 * a not-before instant is claimed from its claim window's opening (the member's
 * {@code claimWindow}, 250 ms by default, before the not-before), by a timer set for the
 * earliest, whose pass waits for no such multiple; its run holds the claim (a slot, counted as
 * held by the balancer, released by a rebalance or a leave like any other, void on a lost
 * session) and starts the handler at the not-before instant on the member's clock, never
 * earlier, with the run timeout counted from then. Nothing is written for the wait: the task's
 * persisted state stays RUNNABLE since its submission, with the member as its owner. It runs at
 * most {@code maxConcurrentTasks} tasks; a slot frees as soon as a task's work is over, so the
 * claim of the next task travels in the same request as the retirement of the last. With
 * {@code claimAhead} it also holds that many more claimed tasks waiting for a slot, in claim
 * order, so a member working through short tasks never waits a claim's round trip (a waiting
 * task is held: another member with room does not run it). For each task it holds it applies
 * pending task commands in
 * order, runs the handler while the task is RUNNABLE, wakes SLEEPING and FAULT tasks at their
 * instant, and retires terminal ones.
 *
 * <p>The member is a shell around parts with one job each. The decision is pure: the
 * {@code TaskPlanner} takes the table, what the member holds, its hold-offs and the time, asks
 * the balancer, and returns what to release, what to claim (at most four full requests' worth, 500, a pass,
 * so a decision made on a briefly stale view costs little), spares (up to 64 per slot, 1,024 at
 * most) to claim as soon as slots free without another pass, and when to wake; once half of the
 * spares are used the member asks for its next pass. Around it: the claim pipeline, the
 * registration, the member commands, the runs it holds (one per claim), and the handler runner. Every claim and every fenced write of a run goes through one batcher: the writes
 * queued while the member handles a burst of news leave together once it is handled, writes
 * queued behind a request in flight leave together in the next (a bulk, such as a pass's claims,
 * leaves as up to 4 requests at once), each
 * write as a nested transaction with its own guard and its own outcome, within etcd's
 * 128-operation and 1.5 MiB limits.
 *
 * <h2>Handlers</h2>
 * A {@link dev.baton.tasks.TaskHandler} or {@link dev.baton.tasks.StatefulTaskHandler} blocks a
 * handler thread for its whole run, so a member has one handler thread per task it may hold
 * (threads end after 30 s idle). An {@link dev.baton.tasks.AsyncTaskHandler} starts its work and
 * returns a stage, learning of stops through
 * {@link dev.baton.tasks.TaskContext#whenStopRequested()}: the member then needs two handler
 * threads whatever it holds, which is how one member holds tens of thousands of long-running
 * tasks.
 *
 * <h2>Cost model</h2>
 * <table>
 * <caption>what a task costs over its life</caption>
 * <tr><th>what</th><th>cost</th></tr>
 * <tr><td>store transactions: submit, claim, run, done</td><td>a single submit is one txn; a
 *     {@link dev.baton.tasks.TaskClient#submitAll} packs up to 64 tasks in one. A claim and a
 *     retirement are one nested transaction each, packed with the member's other writes: under
 *     load tens to a hundred share one request (one proposal, one fsync). A run writes only when
 *     its state changes (checkpoints, faults, sleeps, commands).</td></tr>
 * <tr><td>store writes at rest</td><td>none per task: claims live on the member's one session
 *     lease, renewed by one keep-alive</td></tr>
 * <tr><td>watch events a member processes per task</td><td>every member sees every change of the
 *     namespace: the spec put at submit, the owner put at claim, the deletes of spec and owner
 *     and the done put at retirement, plus one per state change while it runs (and the state's
 *     delete at retirement when a state was stored); each is decoded once</td></tr>
 * <tr><td>heap per cached task per member</td><td>about 200 bytes in the table (the id, flags,
 *     sizes, owner and lease, status, not-before); the spec's properties and the state are kept
 *     only for the tasks the member runs</td></tr>
 * <tr><td>threads per running task</td><td>one with a blocking handler; none with an
 *     {@code AsyncTaskHandler}</td></tr>
 * <tr><td>CPU per balancing pass</td><td>linear in the live tasks of the namespace (a pass builds
 *     the balancer's view; done records are kept apart and not gone through), so passes are paced
 *     as above</td></tr>
 * </table>
 *
 * <p>A released task (balancing, a stop or release command) keeps its state and is not claimed
 * back by the releasing member for its hold-off (default 10 s): any other member whose balancer
 * wants it takes it, which with the fair balancer is a member below its share; in a balanced
 * fleet the same member may take it back after the hold-off.
 *
 * <p>Session states: while CONNECTED or SUSPENDED the member works normally. On LOST (or as soon
 * as it notices the session's deadline has passed) it tells every handler to stop
 * ({@link dev.baton.tasks.StopReason#SESSION_LOST}) and forgets its claims without writing;
 * their tokens are void. When the session is CONNECTED with a new lease it registers again and
 * claims anew. Handlers run at least once: a handler that finished but whose retirement could not
 * be written runs again elsewhere.
 *
 * <p>Closing a member is bounded: it deregisters (the others rebalance at once), stops its
 * handlers, persists what they return and releases the unfinished tasks, waiting at most the stop
 * timeout before interrupting handlers and releasing their claims regardless.
 */
package dev.baton.tasks;
