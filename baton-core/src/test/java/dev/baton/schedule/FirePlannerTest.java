package dev.baton.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@link FirePlanner} fires after on-time delays, outages and pauses, for each misfire policy. */
class FirePlannerTest {

    private static final Instant ANCHOR = Instant.parse("2026-12-02T10:00:00Z");
    private static final Duration THRESHOLD = Duration.ofSeconds(30);
    private static final Trigger.Timed EVERY_MINUTE = new Trigger.FixedRate(Duration.ofMinutes(1));

    private static Instant at(String time) {
        return Instant.parse("2026-12-02T" + time + "Z");
    }

    private static FireDecision decide(Trigger.Timed trigger, Optional<Instant> lastFire, MisfirePolicy policy,
                                       Instant now) {
        return FirePlanner.decide(trigger, ANCHOR, lastFire, policy, THRESHOLD, now, Duration.ZERO);
    }

    @Test
    void nothingIsDueBeforeTheFirstFireTime() {
        FireDecision decision = decide(EVERY_MINUTE, Optional.empty(), MisfirePolicy.fireOnce(), at("10:00:59"));
        assertThat(decision.fires()).isEmpty();
        assertThat(decision.lastFire()).isEmpty();
        assertThat(decision.next()).contains(at("10:01:00"));
    }

    @Test
    void aFireTimeWithinTheThresholdFiresUnderEveryPolicy() {
        for (MisfirePolicy policy : List.of(MisfirePolicy.fireOnce(), MisfirePolicy.skip(), MisfirePolicy.catchUp(3))) {
            FireDecision decision = decide(EVERY_MINUTE, Optional.of(at("10:01:00")), policy, at("10:02:29"));
            assertThat(decision.fires()).as(policy.toString()).containsExactly(at("10:02:00"));
            assertThat(decision.lastFire()).contains(at("10:02:00"));
            assertThat(decision.skippedThrough()).isEmpty();
            assertThat(decision.next()).contains(at("10:03:00"));
        }
    }

    @Test
    void fireOnceFiresTheLatestMissedTimeAndTheOnTimeOnes() {
        FireDecision decision = decide(EVERY_MINUTE, Optional.of(at("10:01:00")), MisfirePolicy.fireOnce(), at("10:10:10"));
        assertThat(decision.fires()).containsExactly(at("10:09:00"), at("10:10:00"));
        assertThat(decision.lastFire()).contains(at("10:10:00"));
        assertThat(decision.skippedThrough()).contains(at("10:08:00"));
    }

    @Test
    void skipFiresOnlyTheOnTimeTimes() {
        FireDecision decision = decide(EVERY_MINUTE, Optional.of(at("10:01:00")), MisfirePolicy.skip(), at("10:10:40"));
        assertThat(decision.fires()).isEmpty();
        assertThat(decision.lastFire()).contains(at("10:10:00"));
        assertThat(decision.skippedThrough()).contains(at("10:10:00"));
        assertThat(decision.next()).contains(at("10:11:00"));
    }

    @Test
    void catchUpFiresTheLatestMissedTimesUpToItsBound() {
        FireDecision decision = decide(EVERY_MINUTE, Optional.of(at("10:01:00")), MisfirePolicy.catchUp(3), at("10:10:10"));
        assertThat(decision.fires()).containsExactly(at("10:07:00"), at("10:08:00"), at("10:09:00"), at("10:10:00"));
        assertThat(decision.skippedThrough()).contains(at("10:06:00"));
    }

    @Test
    void catchUpWithinItsBoundFiresEveryMissedTime() {
        FireDecision decision = decide(EVERY_MINUTE, Optional.of(at("10:07:00")), MisfirePolicy.catchUp(10), at("10:10:10"));
        assertThat(decision.fires()).containsExactly(at("10:08:00"), at("10:09:00"), at("10:10:00"));
        assertThat(decision.skippedThrough()).isEmpty();
    }

    @Test
    void aYearLongPauseOfAOneSecondScheduleIsDecidedQuickly() {
        Trigger.Timed everySecond = new Trigger.FixedRate(Duration.ofSeconds(1));
        Instant now = ANCHOR.plus(Duration.ofDays(365)).plusMillis(500);
        long started = System.nanoTime();
        FireDecision decision = decide(everySecond, Optional.of(ANCHOR.plusSeconds(5)), MisfirePolicy.catchUp(100), now);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(decision.fires()).hasSize(100 + 30);
        assertThat(decision.fires()).isSorted().doesNotHaveDuplicates();
        assertThat(decision.lastFire()).contains(now.minusMillis(500));
    }

    @Test
    void aFireTimeWithinTheLeadIsDueAheadAndTheNextIsTheOneAfterIt() {
        FireDecision decision = FirePlanner.decide(EVERY_MINUTE, ANCHOR, Optional.of(at("10:01:00")),
                MisfirePolicy.fireOnce(), THRESHOLD, at("10:01:59"), Duration.ofSeconds(1));
        assertThat(decision.fires()).containsExactly(at("10:02:00"));
        assertThat(decision.lastFire()).contains(at("10:02:00"));
        assertThat(decision.next()).contains(at("10:03:00"));
    }

    @Test
    void aFireTimeBeyondTheLeadIsNotDue() {
        FireDecision decision = FirePlanner.decide(EVERY_MINUTE, ANCHOR, Optional.of(at("10:01:00")),
                MisfirePolicy.fireOnce(), THRESHOLD, at("10:01:58"), Duration.ofSeconds(1));
        assertThat(decision.fires()).isEmpty();
        assertThat(decision.next()).contains(at("10:02:00"));
    }

    @Test
    void thePreviousFireTimeIsTheLatestBeforeTheGivenOneAndAfterTheAnchor() {
        assertThat(FirePlanner.previous(EVERY_MINUTE, ANCHOR, at("10:05:00"))).contains(at("10:04:00"));
        assertThat(FirePlanner.previous(EVERY_MINUTE, ANCHOR, at("10:01:00"))).isEmpty();
    }

    @Test
    void fireTimesBeforeTheAnchorNeverFire() {
        Trigger.Timed hourly = new Trigger.Cron(CronExpression.parse("0 * * * *", ZoneOffset.UTC));
        FireDecision decision = decide(hourly, Optional.of(at("08:00:00")), MisfirePolicy.catchUp(10), at("11:00:05"));
        assertThat(decision.fires()).containsExactly(at("11:00:00"));
    }

    @Test
    void aFixedRateCountsFromItsAnchor() {
        Trigger.Timed rate = new Trigger.FixedRate(Duration.ofSeconds(7));
        assertThat(rate.nextAfter(ANCHOR, ANCHOR)).contains(ANCHOR.plusSeconds(7));
        assertThat(rate.nextAfter(ANCHOR.plusSeconds(7), ANCHOR)).contains(ANCHOR.plusSeconds(14));
        assertThat(rate.nextAfter(ANCHOR.plusSeconds(13), ANCHOR)).contains(ANCHOR.plusSeconds(14));
        assertThat(rate.nextAfter(ANCHOR.minusSeconds(100), ANCHOR)).contains(ANCHOR.plusSeconds(7));
    }
}
