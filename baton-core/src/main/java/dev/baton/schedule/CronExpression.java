package dev.baton.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A cron expression in a time zone: five fields (minute, hour, day of month, month, day of week,
 * as in crontab(5)) or six (seconds first). Parsing and the field arithmetic are cron-utils'
 * (its Unix definition, and the same with a seconds field); what this class adds is the time
 * zone rule and errors that name the bad field.
 *
 * <p>Fields: numbers, ranges {@code a-b}, steps ({@code a-b/n}, or a star followed by
 * {@code /n}), lists {@code a,b}, month and day names ({@code jan}, {@code mon}); day of week 0–7 with 0 and 7 both
 * Sunday. When both the day of month and the day of week are restricted, a day matching either
 * one fires, as in crontab.
 *
 * <p><b>Time zones.</b> The expression is evaluated on the zone's wall clock and every wall time
 * it names is turned into an instant by {@link ZonedDateTime#of}'s rules: a wall time repeated
 * when clocks go back fires once, at its first (earlier-offset) occurrence; a wall time skipped
 * when clocks go forward fires at the same distance after the transition (02:30 in a gap from
 * 02:00 to 03:00 fires at 03:30 of the new offset), and two wall times that land on one instant
 * fire once. So a daily job at a wall time runs once every day, DST or not.
 */
public final class CronExpression {

    private static final String[] FIVE_FIELDS = {"minute", "hour", "day-of-month", "month", "day-of-week"};
    private static final String[] SIX_FIELDS = {"second", "minute", "hour", "day-of-month", "month", "day-of-week"};
    private static final CronParser FIVE = new CronParser(CronDefinitionBuilder.defineCron()
            .withMinutes().withValidRange(0, 59).withStrictRange().and()
            .withHours().withValidRange(0, 23).withStrictRange().and()
            .withDayOfMonth().withValidRange(1, 31).withStrictRange().and()
            .withMonth().withValidRange(1, 12).withStrictRange().and()
            .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).withStrictRange().and()
            .instance());
    private static final CronParser SIX = new CronParser(withSeconds());

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime execution;

    private CronExpression(String expression, ZoneId zone, ExecutionTime execution) {
        this.expression = expression;
        this.zone = zone;
        this.execution = execution;
    }

    private static CronDefinition withSeconds() {
        return CronDefinitionBuilder.defineCron()
                .withSeconds().withValidRange(0, 59).withStrictRange().and()
                .withMinutes().withValidRange(0, 59).withStrictRange().and()
                .withHours().withValidRange(0, 23).withStrictRange().and()
                .withDayOfMonth().withValidRange(1, 31).withStrictRange().and()
                .withMonth().withValidRange(1, 12).withStrictRange().and()
                .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).withStrictRange().and()
                .instance();
    }

    /**
     * Parses {@code expression} (5 or 6 fields separated by blanks) for the zone {@code zone}.
     *
     * @throws InvalidScheduleException naming the field and value that do not parse, or the
     *                                  expression when it never fires
     */
    public static CronExpression parse(String expression, ZoneId zone) {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(zone, "zone");
        String normalized = expression.trim().replaceAll("\\s+", " ");
        List<String> fields = normalized.isEmpty() ? List.of() : Arrays.asList(normalized.split(" "));
        CronParser parser;
        String[] names;
        if (fields.size() == 5) {
            parser = FIVE;
            names = FIVE_FIELDS;
        } else if (fields.size() == 6) {
            parser = SIX;
            names = SIX_FIELDS;
        } else {
            throw new InvalidScheduleException("cron expression \"" + expression + "\" has " + fields.size()
                    + " fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (second first)");
        }
        Cron cron;
        try {
            cron = parser.parse(normalized);
        } catch (IllegalArgumentException e) {
            throw badField(expression, fields, names, parser, e);
        }
        ExecutionTime execution = ExecutionTime.forCron(cron);
        CronExpression parsed = new CronExpression(normalized, zone, execution);
        if (execution.nextExecution(ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)).isEmpty()) {
            throw new InvalidScheduleException("cron expression \"" + expression + "\" never fires: no date matches its "
                    + "day-of-month and month fields");
        }
        return parsed;
    }

    /** Parses {@code zone} as a region id ({@code Europe/Berlin}) or offset ({@code +02:00}, {@code UTC}). */
    public static ZoneId zone(String zone) {
        Objects.requireNonNull(zone, "zone");
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new InvalidScheduleException("time zone \"" + zone + "\" is not a region id such as Europe/Berlin "
                    + "or an offset such as +02:00 or UTC: " + e.getMessage());
        }
    }

    /** Names the first field that does not parse on its own; the whole expression when each does. */
    private static InvalidScheduleException badField(String expression, List<String> fields, String[] names,
                                                     CronParser parser, IllegalArgumentException failure) {
        for (int i = 0; i < fields.size(); i++) {
            String[] alone = new String[fields.size()];
            Arrays.fill(alone, "*");
            alone[i] = fields.get(i);
            try {
                parser.parse(String.join(" ", alone));
            } catch (IllegalArgumentException e) {
                return new InvalidScheduleException("cron expression \"" + expression + "\": " + names[i] + " field \""
                        + fields.get(i) + "\" is invalid: " + e.getMessage());
            }
        }
        return new InvalidScheduleException("cron expression \"" + expression + "\" is invalid: " + failure.getMessage());
    }

    /** The expression, its fields separated by single spaces. */
    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /**
     * The first fire time strictly after {@code after}; empty only when none follows (an
     * expression such as {@code 0 0 29 2 *} always has one within eight years).
     */
    public Optional<Instant> nextAfter(Instant after) {
        Objects.requireNonNull(after, "after");
        LocalDateTime wall = scanStart(after);
        Instant best = null;
        // A wall time in a gap lands after real wall times that follow the gap, so the scan goes on
        // until it reaches the wall time of the best instant found.
        while (best == null || wall.isBefore(LocalDateTime.ofInstant(best, zone))) {
            Optional<ZonedDateTime> next = execution.nextExecution(wall.atZone(ZoneOffset.UTC));
            if (next.isEmpty()) {
                break;
            }
            wall = next.get().toLocalDateTime();
            Instant instant = ZonedDateTime.of(wall, zone).toInstant();
            if (instant.isAfter(after) && (best == null || instant.isBefore(best))) {
                best = instant;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Where the wall-clock scan starts: just before {@code after}'s wall time, or, when
     * {@code after} lies within a gap's length past a forward transition, just before the gap
     * (wall times inside the gap fire after {@code after}'s wall time would suggest).
     */
    private LocalDateTime scanStart(Instant after) {
        LocalDateTime wall = LocalDateTime.ofInstant(after, zone);
        ZoneOffsetTransition previous = zone.getRules().previousTransition(after.plusNanos(1));
        if (previous != null && previous.isGap() && after.isBefore(previous.getInstant().plus(previous.getDuration()))) {
            LocalDateTime beforeGap = previous.getDateTimeBefore();
            if (beforeGap.isBefore(wall)) {
                wall = beforeGap;
            }
        }
        return wall;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CronExpression that && expression.equals(that.expression) && zone.equals(that.zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(expression, zone);
    }

    @Override
    public String toString() {
        return expression + " (" + zone + ")";
    }
}
