package dev.baton.schedule;

import dev.baton.tasks.TaskFormatException;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskOptions;
import dev.baton.tasks.TaskProperties;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A stored schedule: its name, trigger, misfire policy, the properties and options of the tasks
 * it creates, whether it is paused, and its anchor (when it was created or its trigger last changed: fire
 * times before it never fire, and a fixed rate counts from it).
 *
 * <p>Each fire time becomes one task with the id {@link #taskId(Instant) NAME@INSTANT}, for
 * example {@code nightly@2026-12-02T02:00:00Z}. A name follows the task id rules of
 * {@link TaskId} and also holds no {@code @} and at most {@value #MAX_NAME_BYTES} bytes of UTF-8,
 * so every task id it makes is valid.
 *
 * @param name       the schedule's name
 * @param trigger    when it fires
 * @param misfire    what it does with missed fire times
 * @param properties the properties of every task it creates
 * @param options    the options (timeout, retry policy, priority) of every task it creates
 * @param paused     true while it creates no tasks
 * @param anchor     whole seconds; see above
 */
public record Schedule(String name, Trigger trigger, MisfirePolicy misfire, TaskProperties properties,
                       TaskOptions options, boolean paused, Instant anchor) {

    /** The longest name, in UTF-8 bytes; {@code @} and the longest instant fill the rest of a task id. */
    public static final int MAX_NAME_BYTES = 96;

    public Schedule {
        checkName(name);
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(misfire, "misfire");
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(anchor, "anchor");
        if (anchor.getNano() != 0) {
            throw new InvalidScheduleException("schedule \"" + name + "\" anchor " + anchor + " must be whole seconds");
        }
    }

    /** Returns {@code name} when it is usable as a schedule name; names the rule it breaks otherwise. */
    public static String checkName(String name) {
        Objects.requireNonNull(name, "schedule name");
        if (name.indexOf('@') >= 0) {
            throw new InvalidScheduleException("schedule name \"" + name + "\" must not contain '@', which separates "
                    + "the name from the fire time in task ids");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            throw new InvalidScheduleException("schedule name \"" + name + "\" must be at most " + MAX_NAME_BYTES
                    + " bytes of UTF-8, is " + bytes);
        }
        try {
            TaskId.of(name);
        } catch (TaskFormatException e) {
            throw new InvalidScheduleException("schedule name: " + e.getMessage());
        }
        return name;
    }

    /** The id of the task for fire time {@code fire}: {@code NAME@INSTANT} in ISO-8601, UTC. */
    public TaskId taskId(Instant fire) {
        return TaskId.of(name + "@" + fire);
    }

    /** The anchor of a schedule created or re-triggered at {@code now}: now, cut to whole seconds. */
    static Instant anchorAt(Instant now) {
        return now.truncatedTo(ChronoUnit.SECONDS);
    }

    Schedule withPaused(boolean value) {
        return new Schedule(name, trigger, misfire, properties, options, value, anchor);
    }
}
