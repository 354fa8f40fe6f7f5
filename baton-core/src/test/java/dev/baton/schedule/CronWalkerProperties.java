package dev.baton.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link CronExpression#nextAfter} against a brute-force walker that knows nothing of cron-utils:
 * it steps through the zone's wall clock minute by minute from two days before the start, keeps
 * the wall times whose fields match (crontab's rule: day of month or day of week when both are
 * restricted), turns each into an instant by {@link ZonedDateTime#of} and answers the first one
 * after the start. Random expressions, zones with and without DST, starts around transitions.
 */
class CronWalkerProperties {

    private static final List<String> ZONES = List.of("UTC", "Europe/Berlin", "America/New_York",
            "Australia/Lord_Howe", "Asia/Kolkata", "America/Santiago");
    private static final Duration HORIZON = Duration.ofDays(70);

    @Property(tries = 300)
    void nextFireTimeIsTheFirstMatchingWallTimeAfterTheStart(@ForAll("expressions") String expression,
                                                             @ForAll("zones") String zone,
                                                             @ForAll("starts") Instant start) {
        ZoneId zoneId = ZoneId.of(zone);
        Optional<Instant> walked = walk(expression, zoneId, start);
        CronExpression cron;
        try {
            cron = CronExpression.parse(expression, zoneId);
        } catch (InvalidScheduleException e) {
            assertThat(e.getMessage()).as(expression).contains("never fires");
            assertThat(walked).as("%s is refused as never firing", expression).isEmpty();
            return;
        }
        Optional<Instant> computed = cron.nextAfter(start);
        if (walked.isPresent()) {
            assertThat(computed).as("%s in %s after %s", expression, zone, start).isEqualTo(walked);
        } else {
            assertThat(computed).as("%s in %s after %s", expression, zone, start)
                    .hasValueSatisfying(next -> assertThat(next).isAfter(start.plus(HORIZON).minus(Duration.ofDays(3))));
        }
    }

    private static Optional<Instant> walk(String expression, ZoneId zone, Instant start) {
        String[] fields = expression.split(" ");
        BitSet minutes = field(fields[0], 0, 59);
        BitSet hours = field(fields[1], 0, 23);
        BitSet days = field(fields[2], 1, 31);
        BitSet months = field(fields[3], 1, 12);
        BitSet weekdays = field(fields[4], 0, 7);
        if (weekdays.get(7)) {
            weekdays.set(0);
        }
        boolean domStar = fields[2].equals("*");
        boolean dowStar = fields[4].equals("*");
        LocalDateTime wall = LocalDateTime.ofInstant(start, zone).minusDays(2).truncatedTo(ChronoUnit.MINUTES);
        LocalDateTime end = LocalDateTime.ofInstant(start.plus(HORIZON), zone);
        Instant best = null;
        for (; wall.isBefore(end); wall = wall.plusMinutes(1)) {
            boolean dom = days.get(wall.getDayOfMonth());
            boolean dow = weekdays.get(wall.getDayOfWeek().getValue() % 7);
            boolean day = domStar || dowStar ? dom && dow : dom || dow;
            if (minutes.get(wall.getMinute()) && hours.get(wall.getHour()) && months.get(wall.getMonthValue()) && day) {
                Instant instant = ZonedDateTime.of(wall, zone).toInstant();
                if (instant.isAfter(start) && (best == null || instant.isBefore(best))) {
                    best = instant;
                }
                if (best != null && wall.isAfter(LocalDateTime.ofInstant(best, zone).plusDays(2))) {
                    break;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The values a field of the generated grammar matches. */
    private static BitSet field(String text, int min, int max) {
        BitSet values = new BitSet();
        for (String part : text.split(",")) {
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = Integer.parseInt(part.substring(slash + 1));
                range = part.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                from = Integer.parseInt(range.substring(0, range.indexOf('-')));
                to = Integer.parseInt(range.substring(range.indexOf('-') + 1));
            } else {
                from = Integer.parseInt(range);
                to = slash >= 0 ? max : from;
            }
            for (int value = from; value <= to; value += step) {
                values.set(value);
            }
        }
        return values;
    }

    @Provide
    Arbitrary<String> expressions() {
        return Combinators.combine(part(0, 59, true), part(0, 23, true), part(1, 31, false), part(1, 12, true),
                part(0, 7, false)).as((m, h, dom, mon, dow) -> String.join(" ", m, h, dom, mon, dow));
    }

    /**
     * A field: {@code *}, a number, a range, a stepped range or a list; a star with a step only
     * where {@code starStep} (crontab counts a stepped star in the day fields as unrestricted,
     * cron-utils does not, so the walker leaves that case out). A stepped range's step is shorter
     * than the range: cron-utils refuses {@code 0-7/7} in the day of week, where 7 is 0.
     */
    private static Arbitrary<String> part(int min, int max, boolean starStep) {
        Arbitrary<Integer> value = Arbitraries.integers().between(min, max);
        Arbitrary<String> range = Combinators.combine(value, value)
                .as((a, b) -> Math.min(a, b) + "-" + Math.max(a, b));
        Arbitrary<String> stepped = Combinators.combine(value, value, Arbitraries.integers().between(2, 7))
                .filter((a, b, s) -> Math.min(a, b) + s < Math.max(a, b))
                .as((a, b, s) -> Math.min(a, b) + "-" + Math.max(a, b) + "/" + s);
        Arbitrary<String> list = Combinators.combine(value, value).as((a, b) -> a.equals(b) ? "" + a : a + "," + b);
        Arbitrary<String> star = starStep
                ? Arbitraries.oneOf(Arbitraries.just("*"), Arbitraries.integers().between(2, Math.min(15, max - min)).map(s -> "*/" + s))
                : Arbitraries.just("*");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, star),
                net.jqwik.api.Tuple.of(2, value.map(String::valueOf)),
                net.jqwik.api.Tuple.of(2, range),
                net.jqwik.api.Tuple.of(1, stepped),
                net.jqwik.api.Tuple.of(1, list));
    }

    @Provide
    Arbitrary<String> zones() {
        return Arbitraries.of(ZONES);
    }

    /** Starts spread over 2026–2029, and many in the hours around a DST transition. */
    @Provide
    Arbitrary<Instant> starts() {
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        Arbitrary<Instant> anywhere = Arbitraries.longs().between(0, 4L * 365 * 24 * 3600).map(base::plusSeconds);
        List<Instant> transitions = List.of(Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-10-25T01:00:00Z"),
                Instant.parse("2026-03-08T07:00:00Z"), Instant.parse("2026-11-01T06:00:00Z"),
                Instant.parse("2026-04-04T15:00:00Z"), Instant.parse("2026-10-03T15:30:00Z"));
        Arbitrary<Instant> nearTransition = Combinators.combine(Arbitraries.of(transitions),
                Arbitraries.longs().between(-3 * 3600, 3 * 3600)).as(Instant::plusSeconds);
        return Arbitraries.oneOf(anywhere, nearTransition);
    }
}
