package dev.baton.tasks;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds and starts a {@link TaskMember}; every setting is validated when set and names the
 * bad value.
 */
public final class TaskMemberBuilder {

    /** The most tasks a member holds and runs at once unless told otherwise. */
    public static final int DEFAULT_MAX_CONCURRENT_TASKS = 64;
    /** How long a released task is not claimed back by the member that released it. */
    public static final Duration DEFAULT_RELEASE_HOLD_OFF = Duration.ofSeconds(10);
    /** How long {@link TaskMember#close()} waits for handlers to stop. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
    /** How long {@link #start()} waits for a previous holder of the member id to go. */
    public static final Duration DEFAULT_JOIN_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long before a task's not-before instant a member may claim it: 250 ms, enough for a
     * claim request to come back on a busy store, so a task is held by the time it is due and
     * its handler starts at once.
     */
    public static final Duration DEFAULT_CLAIM_WINDOW = Duration.ofMillis(250);
    /** The longest claim window: a task claimed early takes one of the member's slots while it waits. */
    public static final Duration MAX_CLAIM_WINDOW = Duration.ofSeconds(10);
    /** The TTL of a session the member opens itself. */
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofSeconds(10);

    final Session session;
    final Etcd etcd;
    final String id;
    String namespace = Keyspace.DEFAULT_NAMESPACE;
    HandlerRunner.Body body;
    boolean blocking;
    Balancer balancer = new FairBalancer();
    RetryPolicy retryPolicy = RetryPolicy.defaults();
    Clock clock = Clock.systemUTC();
    int maxConcurrentTasks = DEFAULT_MAX_CONCURRENT_TASKS;
    int claimAhead;
    Duration claimWindow = DEFAULT_CLAIM_WINDOW;
    Duration releaseHoldOff = DEFAULT_RELEASE_HOLD_OFF;
    Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
    Duration joinTimeout = DEFAULT_JOIN_TIMEOUT;
    Duration sessionTtl = DEFAULT_SESSION_TTL;

    TaskMemberBuilder(Session session, Etcd etcd, String id) {
        this.session = session;
        this.etcd = etcd;
        Objects.requireNonNull(id, "member id");
        this.id = KeySegment.check("member id", id);
    }

    /** The namespace of the task deployment, ending in {@code /}; default {@code baton/}. */
    public TaskMemberBuilder namespace(String namespace) {
        this.namespace = Keyspace.checkNamespace(namespace);
        return this;
    }

    /** Runs tasks with a handler that needs no state between runs and blocks a thread while it works. */
    public TaskMemberBuilder handler(TaskHandler handler) {
        Objects.requireNonNull(handler, "handler");
        this.body = HandlerRunner.blocking(context -> {
            handler.run(context);
            return TaskMessage.complete();
        });
        this.blocking = true;
        return this;
    }

    /** Runs tasks with a handler driven by each task's persisted state machine. */
    public TaskMemberBuilder statefulHandler(StatefulTaskHandler handler) {
        Objects.requireNonNull(handler, "handler");
        this.body = HandlerRunner.blocking(context -> {
            TaskMessage outcome = handler.run(context);
            return outcome != null ? outcome : TaskMessage.error("the handler returned no message");
        });
        this.blocking = true;
        return this;
    }

    /**
     * Runs tasks with a handler that does not hold a thread while it waits: the member needs a
     * few handler threads whatever the number of tasks it holds.
     */
    public TaskMemberBuilder asyncHandler(AsyncTaskHandler handler) {
        Objects.requireNonNull(handler, "handler");
        this.body = HandlerRunner.nonBlocking(handler);
        this.blocking = false;
        return this;
    }

    /** Decides what to claim and release; default {@link FairBalancer}. */
    public TaskMemberBuilder balancer(Balancer balancer) {
        this.balancer = Objects.requireNonNull(balancer, "balancer");
        return this;
    }

    /** How faulting tasks are retried; default {@link RetryPolicy#defaults()}. */
    public TaskMemberBuilder retryPolicy(RetryPolicy retryPolicy) {
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        return this;
    }

    /** The wall clock for state instants and not-before times; default UTC system clock. */
    public TaskMemberBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * The most tasks run at once, at least 1; default {@value #DEFAULT_MAX_CONCURRENT_TASKS}. A
     * task whose work is over no longer counts while its retirement is written, so the next
     * task's claim travels with it.
     */
    public TaskMemberBuilder maxConcurrentTasks(int maxConcurrentTasks) {
        if (maxConcurrentTasks < 1) {
            throw new IllegalArgumentException("maxConcurrentTasks must be at least 1, is " + maxConcurrentTasks);
        }
        this.maxConcurrentTasks = maxConcurrentTasks;
        return this;
    }

    /**
     * How many tasks the member claims beyond those it runs, not negative; default 0. They
     * wait, in claim order, for a running task to end, so a member working through many short
     * tasks never waits a claim's round trip for the next. They are held all the same: a
     * task waiting here is not run by another member with room, so keep this small when
     * tasks are long.
     */
    public TaskMemberBuilder claimAhead(int claimAhead) {
        if (claimAhead < 0) {
            throw new IllegalArgumentException("claimAhead must not be negative, is " + claimAhead);
        }
        this.claimAhead = claimAhead;
        return this;
    }

    /**
     * How long before a task's not-before instant the member may claim it; from 0 to
     * {@linkplain #MAX_CLAIM_WINDOW 10 s}; default {@linkplain #DEFAULT_CLAIM_WINDOW 250 ms}. No
     * handler ever starts before the not-before instant: a task claimed early is held (it takes
     * one of the member's slots and counts as held for fairness) and its handler starts at that
     * instant on the member's clock, with its run timeout counted from then. Claiming early
     * takes the claim's round trip out of the start's lag, and moves the claims of many tasks
     * due at one instant (a schedule's fire time) ahead of it. A rebalance or a graceful leave may release a task
     * claimed early before it started; on a lost session it is free for others like any claim.
     * Zero claims a task at its not-before instant.
     */
    public TaskMemberBuilder claimWindow(Duration claimWindow) {
        Objects.requireNonNull(claimWindow, "claimWindow");
        if (claimWindow.isNegative() || claimWindow.compareTo(MAX_CLAIM_WINDOW) > 0) {
            throw new IllegalArgumentException("claimWindow must be between 0 and " + MAX_CLAIM_WINDOW + ", is "
                    + claimWindow);
        }
        this.claimWindow = claimWindow;
        return this;
    }

    /** How long a task this member released is not claimed back by it; not negative; default 10 s. */
    public TaskMemberBuilder releaseHoldOff(Duration releaseHoldOff) {
        Objects.requireNonNull(releaseHoldOff, "releaseHoldOff");
        if (releaseHoldOff.isNegative()) {
            throw new IllegalArgumentException("releaseHoldOff must not be negative, is " + releaseHoldOff);
        }
        this.releaseHoldOff = releaseHoldOff;
        return this;
    }

    /** How long close() waits for handlers to stop before interrupting them; positive; default 10 s. */
    public TaskMemberBuilder stopTimeout(Duration stopTimeout) {
        this.stopTimeout = positive("stopTimeout", stopTimeout);
        return this;
    }

    /** How long start() waits for a previous holder of the member id to go; positive; default 30 s. */
    public TaskMemberBuilder joinTimeout(Duration joinTimeout) {
        this.joinTimeout = positive("joinTimeout", joinTimeout);
        return this;
    }

    /** The TTL of the session the member opens, when built with {@link TaskMember#builder(Etcd, String)}; default 10 s. */
    public TaskMemberBuilder sessionTtl(Duration sessionTtl) {
        if (etcd == null) {
            throw new IllegalStateException("sessionTtl applies only to a member that opens its own session");
        }
        this.sessionTtl = positive("sessionTtl", sessionTtl);
        return this;
    }

    /**
     * Joins the fleet: opens the session (if the member owns one), registers the member key
     * (waiting up to the join timeout for a previous holder of the id), reads the namespace and
     * starts balancing. Returns the running member.
     *
     * @throws IllegalStateException when no handler was set, or the member id stays taken
     */
    public TaskMember start() {
        if (body == null) {
            throw new IllegalStateException("member " + id + " needs a handler, a statefulHandler or an asyncHandler");
        }
        boolean owns = session == null;
        Session joined = owns ? Session.builder(etcd).ttl(sessionTtl).open() : session;
        return TaskMember.start(this, joined, owns);
    }

    private static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, is " + value);
        }
        return value;
    }
}
