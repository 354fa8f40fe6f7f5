package dev.baton.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The pure decision of a timed schedule (rule 10 of {@code docs/architecture.md}): given its
 * trigger, anchor, last fire time, misfire policy and threshold, which fire times fire at
 * {@code now}.
 *
 * <p>The due fire times are those after {@code max(lastFire, anchor)} and at or before
 * {@code now + lead} (a task created ahead carries its fire time as its not-before, so its handler
 * starts no earlier). Those within {@code threshold} of {@code now} and later are on time and all fire; older ones
 * are missed and the policy picks which of them fire. Only the missed times a policy needs are
 * computed (the latest one, or the latest N), searching back from the threshold in doubling
 * windows, so a schedule paused for a year at one fire per second costs a few thousand steps, not
 * millions.
 */
final class FirePlanner {

    private static final Duration FIRST_WINDOW = Duration.ofMinutes(1);

    private FirePlanner() {
    }

    static FireDecision decide(Trigger.Timed trigger, Instant anchor, Optional<Instant> lastFire, MisfirePolicy policy,
                               Duration threshold, Instant now, Duration lead) {
        Instant horizon = now.plus(lead);
        Instant from = lastFire.filter(last -> last.isAfter(anchor)).orElse(anchor);
        Instant cutoff = now.minus(threshold);
        List<Instant> missed = policy.kind() == MisfirePolicy.Kind.SKIP ? List.of()
                : latest(trigger, anchor, from, cutoff, policy.bound());
        Optional<Instant> latestMissed = latest(trigger, anchor, from, cutoff, 1).stream().findFirst();
        List<Instant> fires = new ArrayList<>(missed);
        Instant cursor = from.isAfter(cutoff) ? from : cutoff;
        Optional<Instant> next = trigger.nextAfter(cursor, anchor);
        while (next.isPresent() && !next.get().isAfter(horizon)) {
            fires.add(next.get());
            next = trigger.nextAfter(next.get(), anchor);
        }
        Optional<Instant> last = fires.isEmpty() ? latestMissed : Optional.of(fires.get(fires.size() - 1));
        Optional<Instant> skipped = latestMissed.filter(time -> !missed.contains(time))
                .or(() -> missed.isEmpty() ? Optional.empty() : earlierThan(trigger, anchor, from, missed.get(0)));
        return new FireDecision(fires, last, skipped, next);
    }

    /** The latest fire time before {@code before} and after the anchor, if any. */
    static Optional<Instant> previous(Trigger.Timed trigger, Instant anchor, Instant before) {
        return earlierThan(trigger, anchor, anchor, before);
    }

    /** The latest {@code count} fire times in {@code (from, until]}, ascending. */
    private static List<Instant> latest(Trigger.Timed trigger, Instant anchor, Instant from, Instant until, int count) {
        if (!until.isAfter(from)) {
            return List.of();
        }
        Duration window = FIRST_WINDOW;
        while (true) {
            Instant start = until.minus(window);
            boolean whole = !start.isAfter(from);
            Deque<Instant> found = new ArrayDeque<>();
            Optional<Instant> next = trigger.nextAfter(whole ? from : start, anchor);
            while (next.isPresent() && !next.get().isAfter(until)) {
                found.addLast(next.get());
                if (found.size() > count) {
                    found.removeFirst();
                }
                next = trigger.nextAfter(next.get(), anchor);
            }
            if (whole || found.size() == count) {
                return List.copyOf(found);
            }
            window = window.multipliedBy(2);
        }
    }

    /** The latest fire time in {@code (from, before)}, if any. */
    private static Optional<Instant> earlierThan(Trigger.Timed trigger, Instant anchor, Instant from, Instant before) {
        return latest(trigger, anchor, from, before.minusNanos(1), 1).stream().findFirst();
    }
}
