package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When passes run, driven by hand: a fake timer queue, a fake nanosecond counter, a test clock. */
class PassSchedulerTest {

    private static final long MS = 1_000_000;

    /** A timer the test fires by hand. */
    private final class Timer implements ScheduledFuture<Object> {
        final Runnable action;
        final long dueNanos;
        boolean cancelled;

        Timer(Runnable action, long dueNanos) {
            this.action = action;
            this.dueNanos = dueNanos;
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - nanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }

    private final List<Timer> timers = new ArrayList<>();
    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private long nanos;
    private boolean mayPass = true;
    private boolean idle = true;
    private long passCostNanos;
    private final List<Long> passes = new ArrayList<>();

    private final PassScheduler scheduler = new PassScheduler(new PassScheduler.Member() {
        @Override
        public boolean mayPass() {
            return mayPass;
        }

        @Override
        public boolean pass() {
            passes.add(nanos);
            moveTo(nanos + passCostNanos);
            return idle;
        }
    }, new PassPacing(Duration.ofMillis(20), Duration.ofSeconds(1)), (action, delay) -> {
        Timer timer = new Timer(action, nanos + delay);
        timers.add(timer);
        return timer;
    }, () -> nanos, clock);

    /** Moves the time to {@code atNanos}, firing every timer due by then in order. */
    private void runUntil(long atNanos) {
        while (true) {
            Timer next = timers.stream().filter(t -> !t.cancelled && t.dueNanos <= atNanos)
                    .min((a, b) -> Long.compare(a.dueNanos, b.dueNanos)).orElse(null);
            if (next == null) {
                break;
            }
            timers.remove(next);
            moveTo(next.dueNanos);
            next.action.run();
        }
        moveTo(atNanos);
    }

    /** Moves the nanosecond counter and the clock together, never backwards. */
    private void moveTo(long atNanos) {
        if (atNanos > nanos) {
            clock.advance(Duration.ofNanos(atNanos - nanos));
            nanos = atNanos;
        }
    }

    @Test
    void aRequestRunsOnePassAtOnceAndRequestsInBetweenShareTheNext() {
        scheduler.request(false);
        scheduler.request(false);
        runUntil(0);
        assertThat(passes).containsExactly(0L);
        scheduler.request(false);
        scheduler.request(false);
        runUntil(100 * MS);
        assertThat(passes).containsExactly(0L, 40 * MS);
    }

    @Test
    void noPassWhileTheMemberMayNotPassThenOneAsSoonAsItMay() {
        mayPass = false;
        scheduler.request(true);
        runUntil(500 * MS);
        assertThat(passes).isEmpty();
        mayPass = true;
        scheduler.schedule();
        runUntil(500 * MS);
        assertThat(passes).containsExactly(500 * MS);
    }

    @Test
    void anIdlePassThatTookLongHoldsOffTheNextEvenWhenUrgent() {
        passCostNanos = 30 * MS;
        scheduler.request(true);
        runUntil(0);
        scheduler.request(true);
        runUntil(1_000 * MS);
        assertThat(passes).containsExactly(0L, 30 * MS + 30 * MS * PassPacing.COST_RATIO);
    }

    @Test
    void aWakeUpAfterAnIdlePassThatTookLongIsNotHeldOffByItsCost() {
        passCostNanos = 30 * MS;
        scheduler.request(true);
        runUntil(0);
        scheduler.wakeAt(clock.instant().plusMillis(100));
        runUntil(1_000 * MS);
        assertThat(passes).containsExactly(0L, 131 * MS);
    }

    @Test
    void aWakeUpRightAfterAPassWaitsOnlyForTheShortestInterval() {
        passCostNanos = 30 * MS;
        scheduler.request(true);
        runUntil(0);
        scheduler.wakeAt(clock.instant());
        runUntil(1_000 * MS);
        assertThat(passes).containsExactly(0L, 50 * MS);
    }

    @Test
    void aPassThatActedIsFollowedAtTheShortestInterval() {
        idle = false;
        passCostNanos = 30 * MS;
        scheduler.request(true);
        runUntil(0);
        scheduler.request(false);
        runUntil(1_000 * MS);
        assertThat(passes).containsExactly(0L, 50 * MS);
    }

    @Test
    void aWakeUpAsksForAPassAtItsInstantAndTheEarliestWins() {
        scheduler.wakeAt(clock.instant().plusMillis(300));
        scheduler.wakeAt(clock.instant().plusMillis(100));
        scheduler.wakeAt(clock.instant().plusMillis(200));
        runUntil(1_000 * MS);
        assertThat(passes).containsExactly(101 * MS);
    }

    @Test
    void nothingRunsOnceStopped() {
        scheduler.wakeAt(clock.instant().plusMillis(100));
        mayPass = false;
        scheduler.request(true);
        scheduler.stop();
        mayPass = true;
        scheduler.request(true);
        scheduler.wakeAt(clock.instant().plusMillis(50));
        runUntil(1_000 * MS);
        assertThat(passes).isEmpty();
    }
}
