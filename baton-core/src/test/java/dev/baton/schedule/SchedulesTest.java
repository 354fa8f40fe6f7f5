package dev.baton.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.etcd.Etcd;
import dev.baton.tasks.RetryPolicy;
import dev.baton.tasks.TaskOptions;
import dev.baton.tasks.TaskProperties;
import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@link Schedules} client against real etcd: what it stores, reads back and refuses. */
class SchedulesTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Instant NOW = Instant.parse("2026-12-02T10:15:42.250Z");

    private Etcd etcd;
    private String namespace;
    private TestClock clock;
    private Schedules schedules;

    @BeforeEach
    void connect() {
        etcd = Etcd.builder().endpoints(ETCD.endpoint()).build();
        namespace = "schedules-" + UUID.randomUUID() + "/";
        clock = new TestClock(NOW);
        schedules = Schedules.create(etcd, namespace, clock);
    }

    @AfterEach
    void disconnect() {
        etcd.close();
    }

    private static Trigger cron(String expression, String zone) {
        return new Trigger.Cron(CronExpression.parse(expression, ZoneId.of(zone)));
    }

    @Test
    void aCreatedScheduleReadsBackAsStoredAnchoredAtTheWholeSecond() throws Exception {
        TaskProperties properties = TaskProperties.parse("{\"argv\":[\"backup\",\"--full\"]}");
        schedules.create("nightly", cron("0 2 * * *", "Europe/Berlin"), MisfirePolicy.catchUp(3), properties);

        ScheduleInfo info = schedules.get("nightly").orElseThrow();
        assertThat(info.problems()).isEmpty();
        assertThat(info.lastFire()).isEmpty();
        Schedule schedule = info.schedule().orElseThrow();
        assertThat(schedule.trigger()).isEqualTo(cron("0 2 * * *", "Europe/Berlin"));
        assertThat(schedule.misfire()).isEqualTo(MisfirePolicy.catchUp(3));
        assertThat(schedule.properties()).isEqualTo(properties);
        assertThat(schedule.paused()).isFalse();
        assertThat(schedule.anchor()).isEqualTo(Instant.parse("2026-12-02T10:15:42Z"));
        assertThat(etcd.get(namespace + "schedules/defs/nightly").get()).isPresent();
    }

    @Test
    void aNameIsTakenOnce() {
        schedules.create("report", new Trigger.FixedRate(Duration.ofMinutes(5)), MisfirePolicy.skip(), TaskProperties.empty());
        assertThatThrownBy(() -> schedules.create("report", new Trigger.FixedDelay(Duration.ofSeconds(5)),
                MisfirePolicy.skip(), TaskProperties.empty()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("\"report\" exists");
    }

    @Test
    void pauseAndResumeKeepEverythingElse() {
        schedules.create("rate", new Trigger.FixedRate(Duration.ofSeconds(10)), MisfirePolicy.fireOnce(), TaskProperties.empty());
        assertThat(schedules.pause("rate").paused()).isTrue();
        assertThat(schedules.get("rate").orElseThrow().schedule().orElseThrow().paused()).isTrue();
        Schedule resumed = schedules.resume("rate");
        assertThat(resumed.paused()).isFalse();
        assertThat(resumed.trigger()).isEqualTo(new Trigger.FixedRate(Duration.ofSeconds(10)));
        assertThat(resumed.anchor()).isEqualTo(Instant.parse("2026-12-02T10:15:42Z"));
    }

    @Test
    void anUpdateWithANewTriggerAnchorsItAgain() {
        schedules.create("rate", new Trigger.FixedRate(Duration.ofSeconds(10)), MisfirePolicy.fireOnce(), TaskProperties.empty());
        clock.advance(Duration.ofMinutes(3));
        Schedule same = schedules.update("rate", new Trigger.FixedRate(Duration.ofSeconds(10)), MisfirePolicy.skip(),
                TaskProperties.empty(), TaskOptions.defaults());
        assertThat(same.anchor()).isEqualTo(Instant.parse("2026-12-02T10:15:42Z"));
        Schedule changed = schedules.update("rate", new Trigger.FixedRate(Duration.ofSeconds(20)), MisfirePolicy.skip(),
                TaskProperties.empty(), TaskOptions.defaults());
        assertThat(changed.anchor()).isEqualTo(Instant.parse("2026-12-02T10:18:42Z"));
    }

    @Test
    void theTaskOptionsOfATemplateAreStoredAndReadBack() {
        TaskOptions options = TaskOptions.defaults().withTimeout(Duration.ofSeconds(30)).withPriority(7)
                .withRetryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ofMillis(500)).build());
        schedules.create("opts", new Trigger.FixedRate(Duration.ofMinutes(1)), MisfirePolicy.fireOnce(),
                TaskProperties.empty(), options);
        assertThat(schedules.get("opts").orElseThrow().schedule().orElseThrow().options()).isEqualTo(options);
        schedules.update("opts", new Trigger.FixedRate(Duration.ofMinutes(1)), MisfirePolicy.fireOnce(),
                TaskProperties.empty(), TaskOptions.defaults());
        assertThat(schedules.get("opts").orElseThrow().schedule().orElseThrow().options()).isEqualTo(TaskOptions.defaults());
    }

    @Test
    void changingOrDeletingAMissingScheduleSaysSo() {
        assertThatThrownBy(() -> schedules.pause("ghost")).isInstanceOf(NoSuchScheduleException.class)
                .hasMessageContaining("\"ghost\"");
        assertThat(schedules.delete("ghost")).isFalse();
    }

    @Test
    void deleteRemovesTheScheduleAndItsLastFireTime() throws Exception {
        schedules.create("gone", new Trigger.FixedRate(Duration.ofSeconds(10)), MisfirePolicy.fireOnce(), TaskProperties.empty());
        etcd.put(namespace + "schedules/fired/gone", ScheduleCodec.encodeFire(NOW), 0).get();
        assertThat(schedules.delete("gone")).isTrue();
        assertThat(schedules.list()).isEmpty();
        assertThat(etcd.get(namespace + "schedules/fired/gone").get()).isEmpty();
    }

    @Test
    void aCorruptRecordIsListedWithItsProblem() throws Exception {
        schedules.create("good", new Trigger.FixedRate(Duration.ofSeconds(10)), MisfirePolicy.fireOnce(), TaskProperties.empty());
        etcd.put(namespace + "schedules/defs/bad", "{\"trigger\":{\"cron\":\"61 * * * *\",\"zone\":\"UTC\"}}", 0).get();

        List<ScheduleInfo> listed = schedules.list();
        assertThat(listed).extracting(ScheduleInfo::name).containsExactly("bad", "good");
        assertThat(listed.get(0).schedule()).isEmpty();
        assertThat(listed.get(0).problems()).singleElement().asString().contains("schedule \"bad\"");
    }

    @Test
    void nextFireTimesFollowTheTriggerFromNow() {
        schedules.create("quarter", cron("*/15 * * * *", "UTC"), MisfirePolicy.fireOnce(), TaskProperties.empty());
        schedules.create("wait", new Trigger.FixedDelay(Duration.ofSeconds(30)), MisfirePolicy.fireOnce(), TaskProperties.empty());
        assertThat(schedules.get("quarter").orElseThrow().nextFireTimes(clock.instant(), 3)).containsExactly(
                Instant.parse("2026-12-02T10:30:00Z"), Instant.parse("2026-12-02T10:45:00Z"),
                Instant.parse("2026-12-02T11:00:00Z"));
        assertThat(schedules.get("wait").orElseThrow().nextFireTimes(clock.instant(), 3))
                .containsExactly(Instant.parse("2026-12-02T10:16:12Z"));
    }

    @Test
    void badNamesAreRefusedNamingTheRule() {
        assertThatThrownBy(() -> schedules.create("a@b", new Trigger.FixedRate(Duration.ofSeconds(10)),
                MisfirePolicy.fireOnce(), TaskProperties.empty())).hasMessageContaining("must not contain '@'");
        assertThatThrownBy(() -> schedules.create("a/b", new Trigger.FixedRate(Duration.ofSeconds(10)),
                MisfirePolicy.fireOnce(), TaskProperties.empty())).hasMessageContaining("a/b");
        assertThatThrownBy(() -> new Trigger.FixedRate(Duration.ofMillis(1500))).hasMessageContaining("--every PT1.5S");
    }
}
