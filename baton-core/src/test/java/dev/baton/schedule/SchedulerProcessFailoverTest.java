package dev.baton.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskInfo;
import dev.baton.tasks.TaskProperties;
import dev.baton.tasks.TaskStatus;
import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three worker processes (a scheduler and a task member each) against real etcd and a schedule
 * firing every second: the elected scheduler is killed with {@code kill -9}, then the next one is
 * frozen with {@code SIGSTOP} past its session TTL and thawed. Every fire time from the first to
 * the last has exactly one task, none missing (a failover is shorter than the misfire threshold,
 * so no fire time is missed), and every task completes.
 */
class SchedulerProcessFailoverTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration CHILD_TTL = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void everyFireTimeHasExactlyOneCompletedTaskAcrossAKilledAndAFrozenLeader() {
        String namespace = "scheduler-process-" + UUID.randomUUID() + "/";
        Map<String, ChildJvm> workers = new TreeMap<>();
        try (Etcd etcd = Etcd.builder().endpoints(ETCD.endpoint()).requestTimeout(Duration.ofSeconds(5)).build()) {
            try {
                for (String id : List.of("a", "b", "c")) {
                    ChildJvm worker = ChildJvm.start(SchedulerMain.class, ETCD.endpoint(), namespace, id,
                            Long.toString(CHILD_TTL.toSeconds()));
                    workers.put(id, worker);
                    worker.awaitLine("^JOINED$", WAIT);
                }
                TaskClient tasks = TaskClient.create(etcd, namespace);
                Instant anchor = Schedules.create(etcd, namespace).create("tick",
                        new Trigger.FixedRate(Duration.ofSeconds(1)), MisfirePolicy.fireOnce(), TaskProperties.empty()).anchor();
                awaitFireTimeAfter(tasks, anchor.plusSeconds(3));

                ChildJvm killed = workers.get(leader(workers));
                killed.kill();
                String second = awaitNewLeader(workers, killed);
                awaitFireTimeAfter(tasks, Instant.now().plusSeconds(3));

                ChildJvm frozen = workers.get(second);
                frozen.pause();
                awaitNewLeader(workers, frozen);
                awaitFireTimeAfter(tasks, Instant.now().plusSeconds(3));
                frozen.resume();
                Instant thawed = Instant.now();
                awaitFireTimeAfter(tasks, thawed.plusSeconds(3));

                Schedules.create(etcd, namespace).pause("tick");
                await().atMost(WAIT).until(() -> tasks.list().stream().allMatch(TaskInfo::done));
                List<TaskInfo> done = tasks.list();
                List<Instant> fired = done.stream().map(info -> fireTime(info.id().value())).sorted().toList();
                List<Instant> grid = new ArrayList<>();
                for (Instant time = anchor.plusSeconds(1); !time.isAfter(fired.get(fired.size() - 1)); time = time.plusSeconds(1)) {
                    grid.add(time);
                }
                assertThat(fired).as("one task per second from the first fire time to the last, across a kill -9 and a"
                        + " SIGSTOP of the leader").isEqualTo(grid);
                assertThat(done).allSatisfy(info -> assertThat(info.status()).contains(TaskStatus.COMPLETED));
            } finally {
                workers.values().forEach(ChildJvm::close);
            }
        }
    }

    private static Instant fireTime(String id) {
        return Instant.parse(id.substring(id.indexOf('@') + 1));
    }

    private static void awaitFireTimeAfter(TaskClient tasks, Instant time) {
        await().atMost(WAIT).until(() -> tasks.list().stream().anyMatch(info -> fireTime(info.id().value()).isAfter(time)));
    }

    /** The worker whose latest leadership line is {@code LEADS}. */
    private static String leader(Map<String, ChildJvm> workers) {
        return await().atMost(WAIT).until(() -> workers.entrySet().stream()
                .filter(entry -> entry.getValue().isAlive() && leads(entry.getValue()))
                .map(Map.Entry::getKey).findFirst(), Optional::isPresent).orElseThrow();
    }

    private static String awaitNewLeader(Map<String, ChildJvm> workers, ChildJvm old) {
        return await().atMost(WAIT).until(() -> workers.entrySet().stream()
                .filter(entry -> entry.getValue() != old && entry.getValue().isAlive() && leads(entry.getValue()))
                .map(Map.Entry::getKey).findFirst(), Optional::isPresent).orElseThrow();
    }

    private static boolean leads(ChildJvm worker) {
        List<String> lines = worker.lines().stream().filter(line -> line.equals("LEADS") || line.equals("FOLLOWS")).toList();
        return !lines.isEmpty() && lines.get(lines.size() - 1).equals("LEADS");
    }
}
