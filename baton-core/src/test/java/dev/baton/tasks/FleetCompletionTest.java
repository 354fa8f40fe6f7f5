package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Many tasks over several members: every task is completed, and completed exactly once. */
class FleetCompletionTest {

    private static final Logger LOG = LoggerFactory.getLogger(FleetCompletionTest.class);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @Test
    void aThousandTasksOverFiveMembersAllCompleteEachExactlyOnce() {
        Map<TaskId, AtomicInteger> completions = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> runners = new ConcurrentLinkedQueue<>();
        TaskHandler handler = context -> {
            runners.add(context.member());
            completions.computeIfAbsent(context.id(), id -> new AtomicInteger()).incrementAndGet();
        };
        try (LiveFleet fleet = new LiveFleet(ETCD.endpoint(), "thousand")) {
            for (String id : List.of("m1", "m2", "m3", "m4", "m5")) {
                fleet.start(id, b -> b.handler(handler).maxConcurrentTasks(50));
            }
            long started = System.nanoTime();
            List<TaskId> tasks = fleet.submit("job", 1000);

            await().atMost(Duration.ofSeconds(60)).until(() -> completions.size() == tasks.size());
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> fleet.client().list().stream().allMatch(TaskInfo::done));
            LOG.info("1,000 tasks over 5 members done in {} ms", (System.nanoTime() - started) / 1_000_000);

            assertThat(completions.keySet()).containsExactlyInAnyOrderElementsOf(tasks);
            assertThat(completions.values()).allMatch(count -> count.get() == 1);
            assertThat(fleet.client().list()).allSatisfy(info -> {
                assertThat(info.status()).contains(TaskStatus.COMPLETED);
                assertThat(info.owner()).isEmpty();
            });
            assertThat(runners).as("every member ran tasks").contains("m1", "m2", "m3", "m4", "m5");
        }
    }
}
