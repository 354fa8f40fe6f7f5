package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The race of seed 000's resurrected tasks: claims keep arriving while tasks are retired. Members
 * complete tasks as fast as they can while raw claimers hammer every id, done or not, with the
 * claim transaction (releasing at once whatever they win); once a task's done record is written,
 * none of its records ever comes back.
 */
class ClaimDoneRaceTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @Test
    void noTaskEverReappearsAfterItIsDone() throws Exception {
        try (LiveFleet fleet = new LiveFleet(ETCD.endpoint(), "race")) {
            List<String> violations = new CopyOnWriteArrayList<>();
            Map<String, Long> doneAt = new ConcurrentHashMap<>();
            String tasksPrefix = fleet.namespace() + "tasks/";
            long from = fleet.etcd().range(KeyRange.key(tasksPrefix)).join().revision() + 1;
            Watch watch = fleet.etcd().watch(KeyRange.prefix(tasksPrefix), from, new WatchListener() {
                @Override
                public void onEvents(List<WatchEvent> events) {
                    for (WatchEvent event : events) {
                        String task = event.key().substring(tasksPrefix.length(), event.key().lastIndexOf('/'));
                        if (event.key().endsWith("/done") && event.type() == WatchEvent.Type.PUT) {
                            doneAt.put(task, event.modRevision());
                        } else if (event.type() == WatchEvent.Type.PUT && doneAt.containsKey(task)) {
                            violations.add(event.key() + " written at " + event.modRevision() + " after done at "
                                    + doneAt.get(task));
                        }
                    }
                }

                @Override
                public void onCompacted(long compactRevision) {
                    violations.add("history compacted at " + compactRevision);
                }
            });
            for (String id : List.of("m1", "m2", "m3")) {
                fleet.start(id, b -> b.handler(context -> { }));
            }
            List<TaskId> tasks = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                tasks.add(TaskId.of(String.format("race-%03d", i)));
            }

            AtomicBoolean hammering = new AtomicBoolean(true);
            AtomicInteger refusedOnDone = new AtomicInteger();
            List<Thread> claimers = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                Etcd connection = fleet.connect();
                TaskWrites writes = new TaskWrites(connection, new Keyspace(fleet.namespace()));
                TxnBatcher batcher = new TxnBatcher(connection, Runnable::run, 1);
                long lease = connection.grantLease(Duration.ofSeconds(30)).join().id();
                String claimer = "hammer-" + c;
                Thread thread = new Thread(() -> {
                    while (hammering.get()) {
                        for (TaskId task : tasks) {
                            if (!hammering.get()) {
                                return;
                            }
                            boolean done = doneAt.containsKey(task.value());
                            var claim = batcher.send(writes.claim(task, claimer, lease, 0)).join();
                            if (claim.succeeded()) {
                                batcher.send(writes.update(task, claim.revision(), null, null, true)).join();
                            } else if (done) {
                                refusedOnDone.incrementAndGet();
                            }
                        }
                    }
                }, claimer);
                thread.start();
                claimers.add(thread);
            }
            for (TaskId task : tasks) {
                fleet.client().submit(task, TaskProperties.empty());
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> doneAt.size() == tasks.size());
            await().atMost(Duration.ofSeconds(10)).until(() -> refusedOnDone.get() > 3 * tasks.size());
            hammering.set(false);
            for (Thread thread : claimers) {
                thread.join();
            }
            watch.close();

            assertThat(violations).isEmpty();
            assertThat(fleet.client().list()).hasSize(tasks.size()).allSatisfy(info -> {
                assertThat(info.done()).isTrue();
                assertThat(info.owner()).isEmpty();
                assertThat(info.properties()).as("kept by the done record").contains(TaskProperties.empty());
            });
        }
    }
}
