package dev.baton.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Next fire times of {@link CronExpression}, across DST changes and leap years, and refusals naming the field. */
class CronExpressionTest {

    @ParameterizedTest(name = "{0} in {1} after {2} fires at {3}")
    @CsvSource(delimiter = '|', textBlock = """
            # plain times, in UTC
            */15 * * * *       | UTC           | 2026-12-02T10:07:00Z | 2026-12-02T10:15:00Z
            */15 * * * *       | UTC           | 2026-12-02T10:15:00Z | 2026-12-02T10:30:00Z
            0 0 1 1 *          | UTC           | 2026-12-02T10:07:00Z | 2027-01-01T00:00:00Z
            30 9 * * mon-fri   | UTC           | 2026-12-04T10:00:00Z | 2026-12-07T09:30:00Z
            0 0 * * 7          | UTC           | 2026-12-03T00:00:00Z | 2026-12-06T00:00:00Z
            0 0 * * 0          | UTC           | 2026-12-03T00:00:00Z | 2026-12-06T00:00:00Z
            # day of month and day of week both restricted: either one matches, as in crontab
            0 0 13 * 5         | UTC           | 2026-01-01T00:00:00Z | 2026-01-02T00:00:00Z
            # six fields: seconds first
            */20 * * * * *     | UTC           | 2026-12-02T10:07:01Z | 2026-12-02T10:07:20Z
            15 30 10 * * *     | UTC           | 2026-12-02T10:30:15Z | 2026-12-03T10:30:15Z
            # leap years: 29 February fires only in them
            0 0 29 2 *         | UTC           | 2026-01-01T00:00:00Z | 2028-02-29T00:00:00Z
            0 12 29 2 *        | UTC           | 2028-02-29T12:00:00Z | 2032-02-29T12:00:00Z
            0 0 29 2 *         | UTC           | 2099-03-01T00:00:00Z | 2104-02-29T00:00:00Z
            # a zone with an offset
            0 9 * * *          | Asia/Kolkata  | 2026-12-02T00:00:00Z | 2026-12-02T03:30:00Z
            # clocks go forward in Berlin on 2026-03-29 at 02:00 CET to 03:00 CEST
            0 1 * * *          | Europe/Berlin | 2026-03-28T12:00:00Z | 2026-03-29T00:00:00Z
            30 2 * * *         | Europe/Berlin | 2026-03-28T12:00:00Z | 2026-03-29T01:30:00Z
            30 2 * * *         | Europe/Berlin | 2026-03-29T01:30:00Z | 2026-03-30T00:30:00Z
            0 3 * * *          | Europe/Berlin | 2026-03-28T12:00:00Z | 2026-03-29T01:00:00Z
            0 * * * *          | Europe/Berlin | 2026-03-29T00:30:00Z | 2026-03-29T01:00:00Z
            0 * * * *          | Europe/Berlin | 2026-03-29T01:00:00Z | 2026-03-29T02:00:00Z
            # clocks go back in Berlin on 2026-10-25 at 03:00 CEST to 02:00 CET: 02:30 happens twice, fires once
            30 2 * * *         | Europe/Berlin | 2026-10-24T12:00:00Z | 2026-10-25T00:30:00Z
            30 2 * * *         | Europe/Berlin | 2026-10-25T00:30:00Z | 2026-10-26T01:30:00Z
            0 * * * *          | Europe/Berlin | 2026-10-25T00:00:00Z | 2026-10-25T02:00:00Z
            # New York goes forward on 2026-03-08 at 02:00 EST
            30 2 * * *         | America/New_York | 2026-03-08T06:00:00Z | 2026-03-08T07:30:00Z
            # Lord Howe Island moves by 30 minutes
            15 2 * * *         | Australia/Lord_Howe | 2026-10-03T12:00:00Z | 2026-10-03T15:45:00Z
            # a wall time shifted out of the gap (02:02 to 02:32) comes after a real one (02:31)
            2-31 0-2 * * *     | Australia/Lord_Howe | 2026-10-03T15:30:00Z | 2026-10-03T15:31:00Z
            2-31 0-2 * * *     | Australia/Lord_Howe | 2026-10-03T15:31:00Z | 2026-10-03T15:32:00Z
            """)
    void firesAtTheNextWallTime(String expression, String zone, String after, String expected) {
        CronExpression cron = CronExpression.parse(expression, ZoneId.of(zone));
        assertThat(cron.nextAfter(Instant.parse(after))).contains(Instant.parse(expected));
    }

    @ParameterizedTest(name = "\"{0}\" is refused naming {1}")
    @CsvSource(delimiter = '|', textBlock = """
            61 * * * *        | minute field "61"
            * 24 * * *        | hour field "24"
            * * 0 * *         | day-of-month field "0"
            * * * 13 *        | month field "13"
            * * * * 8         | day-of-week field "8"
            * * * * funday    | day-of-week field "funday"
            60 * * * * *      | second field "60"
            * * * *           | has 4 fields
            * * * * * * *     | has 7 fields
            ''                | has 0 fields
            0 0 31 2 *        | never fires
            """)
    void refusesABadExpressionNamingTheField(String expression, String named) {
        assertThatThrownBy(() -> CronExpression.parse(expression, ZoneOffset.UTC))
                .isInstanceOf(InvalidScheduleException.class)
                .hasMessageContaining(named);
    }

    @ParameterizedTest
    @CsvSource({"Mars/Olympus", "Europe/Berln", "+25:00", "''"})
    void refusesAnUnknownZoneNamingIt(String zone) {
        assertThatThrownBy(() -> CronExpression.zone(zone))
                .isInstanceOf(InvalidScheduleException.class)
                .hasMessageContaining("time zone \"" + zone + "\"");
    }

    @ParameterizedTest
    @CsvSource({"Europe/Berlin, 2026-10-24T12:00:00Z", "America/Sao_Paulo, 2026-01-01T00:00:00Z"})
    void everyQuarterHourFiresOncePerDistinctWallTimeAndNeverGoesBack(String zone, String start) {
        CronExpression cron = CronExpression.parse("*/15 * * * *", ZoneId.of(zone));
        Instant at = Instant.parse(start);
        List<Instant> fires = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            at = cron.nextAfter(at).orElseThrow();
            fires.add(at);
        }
        assertThat(fires).isSorted().doesNotHaveDuplicates();
        assertThat(fires.stream().map(instant -> instant.atZone(ZoneId.of(zone)).toLocalDateTime()).distinct())
                .hasSameSizeAs(fires);
    }
}
