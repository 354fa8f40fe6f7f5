package dev.baton.schedule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One schedule as a listing shows it: its definition, its last fire time, and a problem per
 * stored record that does not decode (such a schedule never fires, and is listed, not dropped).
 *
 * @param name     the schedule's name
 * @param schedule its definition, when it decodes
 * @param lastFire the latest fire time the scheduler handled (fired or skipped), if any
 * @param problems one message per stored record that does not decode
 */
public record ScheduleInfo(String name, Optional<Schedule> schedule, Optional<Instant> lastFire, List<String> problems) {

    public ScheduleInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(lastFire, "lastFire");
        problems = List.copyOf(problems);
    }

    /**
     * The next {@code count} fire times after {@code now}, as the scheduler will see them while
     * the schedule runs (not paused). A cron or rate schedule lists them; a fixed-delay schedule
     * lists its one pending fire time only before its first run (later ones depend on when each
     * run ends); a schedule that does not decode lists none.
     */
    public List<Instant> nextFireTimes(Instant now, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, is " + count);
        }
        if (schedule.isEmpty()) {
            return List.of();
        }
        Schedule s = schedule.get();
        if (s.trigger() instanceof Trigger.FixedDelay delay) {
            return lastFire.isPresent() ? List.of() : List.of(s.anchor().plus(delay.delay()));
        }
        Trigger.Timed timed = (Trigger.Timed) s.trigger();
        List<Instant> times = new ArrayList<>();
        // A fire time after now whose task was created ahead (the last fire time) still lies ahead.
        Instant cursor = s.anchor().isAfter(now) ? s.anchor() : now;
        while (times.size() < count) {
            Optional<Instant> next = timed.nextAfter(cursor, s.anchor());
            if (next.isEmpty()) {
                break;
            }
            times.add(next.get());
            cursor = next.get();
        }
        return times;
    }
}
