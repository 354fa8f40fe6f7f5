package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.schedule.Schedules;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskInfo;
import dev.baton.tasks.TaskOptions;
import dev.baton.tasks.TaskStatus;
import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code baton schedule add|list|pause|resume|rm|next} in-process, and a worker firing a schedule, against real etcd. */
class ScheduleCommandTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String namespace = "sched-" + UUID.randomUUID().toString().substring(0, 8);

    private InProcessRun schedule(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "schedule";
        all[1] = args[0];
        all[2] = "--endpoints";
        all[3] = ETCD.endpoint();
        all[4] = "--namespace";
        all[5] = namespace;
        System.arraycopy(args, 1, all, 6, args.length - 1);
        return InProcessRun.baton(all);
    }

    @Test
    void aScheduleIsAddedListedPausedResumedAndRemoved() {
        InProcessRun added = schedule("add", "nightly", "--cron", "0 2 * * *", "--zone", "Europe/Berlin",
                "--misfire", "catch-up:3", "--", "sh", "-c", "echo backup");
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.out()).startsWith("added nightly: cron 0 2 * * * (Europe/Berlin), misfire catch-up:3; first fire ");

        InProcessRun listed = schedule("list");
        assertThat(listed.out().lines()).hasSize(2);
        assertThat(listed.out().lines().skip(1).findFirst().orElseThrow())
                .startsWith("nightly").contains("running", "catch-up:3", "sh -c echo backup");

        assertThat(schedule("pause", "nightly").out()).isEqualTo("paused nightly" + System.lineSeparator());
        assertThat(schedule("list", "--json").out()).contains("\"state\":\"paused\"");
        assertThat(schedule("resume", "nightly").out()).isEqualTo("resumed nightly" + System.lineSeparator());
        assertThat(schedule("rm", "nightly").out()).isEqualTo("removed nightly" + System.lineSeparator());
        InProcessRun again = schedule("rm", "nightly");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("no schedule named \"nightly\"");
    }

    @Test
    void theTasksOfAScheduleGetItsRunTimeoutPriorityAndRetryPolicy() {
        InProcessRun added = schedule("add", "hourly", "--every", "1h", "--timeout", "2m", "--priority", "-3",
                "--max-attempts", "4", "--", "true");
        assertThat(added.exitCode()).as(added.err()).isZero();
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build()) {
            TaskOptions options = Schedules.create(etcd, namespace + "/").get("hourly").orElseThrow().schedule()
                    .orElseThrow().options();
            assertThat(options.timeout()).contains(Duration.ofMinutes(2));
            assertThat(options.priority()).isEqualTo(-3);
            assertThat(options.retryPolicy().orElseThrow().maxAttempts()).isEqualTo(4);
        }
    }

    @Test
    void nextPrintsTheNextFireTimesInTheZone() {
        schedule("add", "weekdays", "--cron", "30 9 * * mon-fri", "--zone", "America/New_York", "--", "true");
        List<Instant> next = schedule("next", "weekdays", "-n", "7").out().lines().map(Instant::parse).toList();
        assertThat(next).hasSize(7).isSorted();
        assertThat(next).allSatisfy(time -> {
            var local = time.atZone(java.time.ZoneId.of("America/New_York"));
            assertThat(local.getHour()).isEqualTo(9);
            assertThat(local.getMinute()).isEqualTo(30);
            assertThat(local.getDayOfWeek().getValue()).isLessThanOrEqualTo(5);
        });
    }

    @Test
    void badTriggersAreRefusedWithExitTwoNamingTheValue() {
        InProcessRun cron = schedule("add", "bad", "--cron", "0 25 * * *", "--", "true");
        assertThat(cron.exitCode()).isEqualTo(2);
        assertThat(cron.err()).contains("hour field \"25\"");

        InProcessRun zone = schedule("add", "bad", "--cron", "0 2 * * *", "--zone", "Mars/Olympus", "--", "true");
        assertThat(zone.exitCode()).isEqualTo(2);
        assertThat(zone.err()).contains("time zone \"Mars/Olympus\"");

        InProcessRun two = schedule("add", "bad", "--every", "1s", "--delay", "1s", "--", "true");
        assertThat(two.exitCode()).isEqualTo(2);
        assertThat(two.err()).contains("exactly one of --cron, --every and --delay");

        InProcessRun policy = schedule("add", "bad", "--every", "1s", "--misfire", "sometimes", "--", "true");
        assertThat(policy.exitCode()).isEqualTo(2);
        assertThat(policy.err()).contains("misfire policy \"sometimes\"");

        InProcessRun fraction = schedule("add", "bad", "--every", "500ms", "--", "true");
        assertThat(fraction.exitCode()).isEqualTo(2);
        assertThat(fraction.err()).contains("--every PT0.5S");
    }

    @Test
    void aWorkerFiresTheScheduleAndRunsItsTasks() {
        try (ChildJvm worker = ChildJvm.builder(BatonCommand.class)
                .args("worker", "--endpoints", ETCD.endpoint(), "--namespace", namespace, "--name", "w1", "--ttl", "3s")
                .start();
             Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).build()) {
            worker.awaitLine(line -> line.startsWith("baton worker: w1 joined"), TIMEOUT);
            assertThat(schedule("add", "tick", "--every", "1s", "--", "true").exitCode()).isZero();

            TaskClient tasks = TaskClient.create(etcd, namespace + "/");
            await().atMost(TIMEOUT).until(() -> tasks.list().stream()
                    .filter(info -> info.id().value().startsWith("tick@"))
                    .filter(info -> info.status().filter(status -> status == TaskStatus.COMPLETED).isPresent())
                    .count() >= 2);
            assertThat(schedule("rm", "tick").exitCode()).isZero();
            List<TaskInfo> ticks = tasks.list().stream().filter(info -> info.id().value().startsWith("tick@")).toList();
            assertThat(ticks).allSatisfy(info ->
                    assertThat(Instant.parse(info.id().value().substring("tick@".length())).getNano()).isZero());
        }
    }
}
