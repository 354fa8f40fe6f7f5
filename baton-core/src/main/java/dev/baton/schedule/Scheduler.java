package dev.baton.schedule;

import dev.baton.election.LeaderService;
import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskMemberBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Fires the schedules of a namespace: every member that may schedule starts one, they elect a
 * leader in {@code <ns>scheduler} (a {@link LeaderService} on the member's session), and only the
 * leader fires. For each fire time T of schedule NAME it creates the task {@code NAME@T} (see
 * {@link Schedule#taskId}) with the schedule's properties, in one transaction fenced by its
 * leadership that also stores T as the schedule's last fire time; the task is created only if no
 * task and no done record of that id exists. A new leader starts from the stored last fire times,
 * so a failover neither repeats a fire time nor skips one, except as the misfire policy says for
 * fire times more than the misfire threshold in the past. A timed schedule's task is created up to
 * the {@linkplain Builder#lead lead} before its fire time; no handler starts it earlier (a member
 * may claim it up to its claim window before).
 *
 * <p>The leader sleeps until the earliest next fire time and wakes on a schedule change through a
 * watch; a fixed-delay schedule waits for its previous task's done record through a watch of that
 * key. Losing the leadership interrupts it at once; {@link #close()} resigns and returns within
 * the close timeout. Logs: one line per term, one per skipped range of missed fire times, one per
 * problem with a schedule; each fire at DEBUG.
 *
 * <pre>{@code
 * try (Scheduler scheduler = Scheduler.builder(session, "baton/", "worker-1").start()) {
 *     ...
 * }
 * }</pre>
 */
public final class Scheduler implements AutoCloseable {

    /**
     * The default {@linkplain Builder#lead lead}: 1.75 s, the members' default claim window
     * ({@link TaskMemberBuilder#DEFAULT_CLAIM_WINDOW}, 250 ms) plus a second and a half. A fire
     * time's task then exists 1.5 s before the members may claim it, and the leader's writes for
     * whole-second fire times leave half-way between two instants at which the members claim the
     * tasks of a whole second (each 250 ms before it), so the two do not queue together in the store.
     */
    public static final Duration DEFAULT_LEAD = TaskMemberBuilder.DEFAULT_CLAIM_WINDOW.plus(Duration.ofMillis(1_500));

    private final LeaderService service;

    private Scheduler(LeaderService service) {
        this.service = service;
    }

    /** Starts building the scheduler of {@code namespace} on {@code session}, campaigning as {@code member}. */
    public static Builder builder(Session session, String namespace, String member) {
        return new Builder(session, namespace, member);
    }

    /** True while this member leads and fires the schedules. */
    public boolean isLeader() {
        return service.isLeader();
    }

    /** Stops firing and resigns; bounded by the close timeout and the connection's request timeout. Idempotent. */
    @Override
    public void close() {
        service.close();
    }

    /** Builds a {@link Scheduler}; every setting is validated and names the bad value. */
    public static final class Builder {
        private final Session session;
        private final ScheduleKeys keys;
        private final String member;
        private Clock clock = Clock.systemUTC();
        private Duration misfireThreshold = Duration.ofSeconds(30);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Duration lead = DEFAULT_LEAD;

        private Builder(Session session, String namespace, String member) {
            this.session = Objects.requireNonNull(session, "session");
            this.keys = new ScheduleKeys(namespace);
            this.member = Objects.requireNonNull(member, "member");
        }

        /** The clock of fire times and submit instants; default the system's UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How late a fire time may be handled and still count as on time; later ones are misfires,
         * handled by each schedule's {@link MisfirePolicy}. Default 30 s: longer than a failover
         * takes with the default session TTL, so a failover is never a misfire.
         */
        public Builder misfireThreshold(Duration threshold) {
            if (threshold == null || threshold.isNegative()) {
                throw new IllegalArgumentException("misfire threshold must be >= 0, got " + threshold);
            }
            this.misfireThreshold = threshold;
            return this;
        }

        /**
         * How long before its fire time a timed schedule's task is created, with the fire time as
         * its not-before so no handler starts earlier: the fire's write is then out of its lag.
         * Keep it longer than the members' claim window ({@link TaskMemberBuilder#claimWindow}),
         * so the task exists when the members may first claim it and its claim, made ahead of the
         * fire time, is out of the lag too; a shorter lead still fires on time when the claim's
         * round trip fits in what is left of the window. At most
         * {@value Schedules#MAX_LEAD_SECONDS} s; 0 creates each task at its fire time. Default
         * {@link #DEFAULT_LEAD 1.75 s}. A pause, update or delete withdraws the tasks created
         * ahead that no member has claimed yet ({@link Schedules#pause}).
         */
        public Builder lead(Duration lead) {
            if (lead == null || lead.isNegative() || lead.compareTo(Duration.ofSeconds(Schedules.MAX_LEAD_SECONDS)) > 0) {
                throw new IllegalArgumentException("lead must be between 0 and " + Schedules.MAX_LEAD_SECONDS
                        + " s, got " + lead);
            }
            this.lead = lead;
            return this;
        }

        /** How long {@link #close()} waits for the leader's work to stop; default 5 s. */
        public Builder closeTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException("close timeout must be >= 0, got " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /** Starts campaigning; the scheduler fires once elected. */
        public Scheduler start() {
            Etcd etcd = session.etcd();
            TaskClient tasks = TaskClient.create(etcd, keys.namespace(), clock);
            Clock fireClock = clock;
            Duration threshold = misfireThreshold;
            Duration ahead = lead;
            LeaderService service = LeaderService.builder(session, keys.election(), member)
                    .closeTimeout(closeTimeout)
                    .longRunning(leadership -> new SchedulerTerm(etcd, keys, tasks, fireClock, threshold, ahead, leadership).run())
                    .start();
            return new Scheduler(service);
        }
    }
}
