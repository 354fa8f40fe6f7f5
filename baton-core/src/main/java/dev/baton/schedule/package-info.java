/**
 * Schedules: recurring tasks. A {@link dev.baton.schedule.Schedule} stored in the namespace
 * names a {@link dev.baton.schedule.Trigger} (a cron expression in a time zone, a fixed rate, or
 * a fixed delay after the previous run's end), a {@link dev.baton.schedule.MisfirePolicy} and the
 * properties of the tasks it creates. {@link dev.baton.schedule.Schedules} creates, updates,
 * pauses, resumes, deletes and lists them; a {@link dev.baton.schedule.Scheduler} runs on every
 * member that may fire them, and the one elected fires.
 *
 * <h2>Model</h2>
 * Fire time T of schedule NAME becomes the task {@code NAME@T} (T in ISO-8601, UTC, whole
 * seconds). The trigger arithmetic ({@link dev.baton.schedule.CronExpression},
 * {@link dev.baton.schedule.Trigger}) and the decision of which fire times fire at an instant
 * ({@code FirePlanner}: due times since the last fire, on time or missed by the misfire
 * threshold, the policy's choice among the missed) are pure and take the instant as a value.
 * A cron or fixed-rate fire time's task is created up to the scheduler's lead (1.75 s) before T,
 * with T as its not-before, so its write is out of the fire's lag; members claim it up to their
 * claim window (250 ms) before T and start its handler at T, so the claim is out of it too.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>At most one task per fire time: its id is deterministic, it is created only if absent,
 *       and the schedule's last fire time moves in the same transaction, which compares it.</li>
 *   <li>No fire time is skipped except by the misfire policy: the last fire time is stored, never
 *       only in memory, so a new leader continues where the last fenced write left off; a
 *       deposed leader's write fails on the leadership's fence.</li>
 *   <li>A paused, changed or deleted schedule is never fired on an old decision: each fire
 *       compares the definition's mod revision, and the change withdraws the tasks created
 *       ahead of a fire time still to come that no member has claimed (a claim comes at most
 *       the members' claim window before the fire time).</li>
 * </ul>
 *
 * <h2>Session states</h2>
 * CONNECTED: the elected scheduler fires. SUSPENDED: it keeps firing until the session's
 * deadline (its writes stay fenced). LOST or CLOSED: its leadership ends and it stops at once;
 * another member's scheduler takes over from the stored last fire times. See
 * {@code docs/scheduling.md}.
 */
package dev.baton.schedule;
