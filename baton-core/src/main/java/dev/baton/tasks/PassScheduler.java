package dev.baton.tasks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * When a member's balancing passes run. A pass runs once asked for, when the member may pass (no
 * claims in flight, no member command being applied), and no sooner than its {@link PassPacing}
 * allows; a plan's wake-up instant (the next opening of a task's claim window, the end of a
 * hold-off) asks for one at that instant, which waits for the shortest interval but for no cost
 * floor. Confined to the member's control thread; its timers go through the
 * {@link Timers} it is given, and it reads the time from the clocks it is given, so tests drive
 * it without sleeping.
 */
final class PassScheduler {

    /** Runs an action on the member's control thread after a delay. */
    @FunctionalInterface
    interface Timers {
        /** The scheduled action, or null when the member is closed and it will never run. */
        ScheduledFuture<?> schedule(Runnable action, long delayNanos);
    }

    /** The member's side of its passes. */
    interface Member {
        /** True when a pass may run now: no claims in flight, no member command being applied. */
        boolean mayPass();

        /** Runs one pass; true when it found nothing to do. */
        boolean pass();
    }

    private final Member member;
    private final PassPacing pacing;
    private final Timers timers;
    private final LongSupplier nanoTime;
    private final Clock clock;
    private boolean wanted;
    private boolean stopped;
    private ScheduledFuture<?> passTimer;
    private long passDueNanos;
    private ScheduledFuture<?> wakeTimer;
    private Instant wakeTimerAt;

    PassScheduler(Member member, PassPacing pacing, Timers timers, LongSupplier nanoTime, Clock clock) {
        this.member = member;
        this.pacing = pacing;
        this.timers = timers;
        this.nanoTime = nanoTime;
        this.clock = clock;
    }

    /** Asks for a pass; {@code urgent} brings the pass interval back to its shortest. */
    void request(boolean urgent) {
        if (urgent) {
            pacing.urgent();
        }
        wanted = true;
        schedule();
    }

    /** Asks for a pass at the shortest interval, free of the cost floor: an instant a plan named has come. */
    private void timeCame() {
        pacing.timeCame();
        wanted = true;
        schedule();
    }

    /** The member may pass again (its claims settled, a command was applied): sets the wanted pass's timer. */
    void schedule() {
        if (!wanted || stopped || !member.mayPass()) {
            return;
        }
        long now = nanoTime.getAsLong();
        long due = pacing.dueAt(now);
        if (passTimer != null) {
            if (due - passDueNanos >= 0) {
                return;
            }
            passTimer.cancel(false);
        }
        passDueNanos = due;
        passTimer = timers.schedule(this::run, due - now);
    }

    private void run() {
        passTimer = null;
        if (stopped || !wanted || !member.mayPass()) {
            return;
        }
        wanted = false;
        long start = nanoTime.getAsLong();
        boolean idle = member.pass();
        pacing.passed(start, nanoTime.getAsLong(), idle);
    }

    /**
     * Makes sure a pass is asked for at {@code at}, held off by no cost floor (see
     * {@link PassPacing}): tasks due at {@code at} are claimed at once.
     */
    void wakeAt(Instant at) {
        if (stopped || wakeTimer != null && !wakeTimerAt.isAfter(at)) {
            return;
        }
        if (wakeTimer != null) {
            wakeTimer.cancel(false);
        }
        wakeTimerAt = at;
        long delayNanos = Math.max(0, Duration.between(clock.instant(), at).toNanos()) + TimeUnit.MILLISECONDS.toNanos(1);
        wakeTimer = timers.schedule(() -> {
            wakeTimer = null;
            timeCame();
        }, delayNanos);
    }

    /** No more passes: cancels the timers (the member is closing). */
    void stop() {
        stopped = true;
        for (ScheduledFuture<?> timer : new ScheduledFuture<?>[] {wakeTimer, passTimer}) {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }
}
