package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A member in its own process is killed or frozen: its tasks move, and a frozen member's writes never land. */
class MemberProcessFailureTest {

    private static final Logger LOG = LoggerFactory.getLogger(MemberProcessFailureTest.class);
    private static final Duration CHILD_TTL = Duration.ofSeconds(2);

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @Test
    void aKilledMembersTasksAreClaimedByOthersWithinTheTtlAndAllComplete() {
        AtomicBoolean finish = new AtomicBoolean();
        TaskHandler runUntilFinished = context -> {
            while (!finish.get() && !context.awaitStop(Duration.ofMillis(50))) {
                Thread.onSpinWait();
            }
            context.throwIfStopRequested();
        };
        try (LiveFleet fleet = new LiveFleet(ETCD.endpoint(), "kill");
             ChildJvm child = startChild(fleet, "child")) {
            fleet.start("a", b -> b.handler(runUntilFinished));
            fleet.start("b", b -> b.handler(runUntilFinished));
            fleet.submit("job", 30);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> fleet.holdings().equals(Map.of("a", 10, "b", 10, "child", 10)));

            long killed = System.nanoTime();
            child.kill();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> fleet.holdings().equals(Map.of("a", 15, "b", 15)));
            Duration moved = Duration.ofNanos(System.nanoTime() - killed);
            LOG.info("tasks of the killed member claimed by the others {} ms after kill -9 (ttl {})",
                    moved.toMillis(), CHILD_TTL);
            assertThat(moved).isLessThanOrEqualTo(CHILD_TTL.plusMillis(1500));

            finish.set(true);
            await().atMost(Duration.ofSeconds(20)).until(() -> fleet.client().list().stream().allMatch(TaskInfo::done));
            assertThat(fleet.client().list()).hasSize(30)
                    .allSatisfy(info -> assertThat(info.status()).contains(TaskStatus.COMPLETED));
        }
    }

    @Test
    void aFrozenMembersTasksMoveAndAfterItResumesNoneOfItsFencedWritesLand() {
        TaskHandler runUntilStopped = context -> {
            context.awaitStop(Duration.ofMinutes(5));
            context.throwIfStopRequested();
        };
        try (LiveFleet fleet = new LiveFleet(ETCD.endpoint(), "sigstop");
             ChildJvm child = startChild(fleet, "child")) {
            fleet.start("a", b -> b.handler(runUntilStopped));
            fleet.submit("job", 4);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> fleet.holdings().equals(Map.of("a", 2, "child", 2)));
            List<TaskId> childTasks = fleet.client().list().stream()
                    .filter(info -> info.owner().orElseThrow().member().equals("child")).map(TaskInfo::id).toList();
            LateWrites late = LateWrites.watch(fleet);
            await().until(late::childWritesSeen);

            child.pause();
            await().atMost(Duration.ofSeconds(15)).until(() -> fleet.holdings().equals(Map.of("a", 4)));
            int linesBefore = child.lines().size();
            child.resume();

            child.awaitLine(linesBefore, line -> line.startsWith("SESSION LOST"), Duration.ofSeconds(15));
            for (TaskId task : childTasks) {
                child.awaitLine(linesBefore, line -> line.equals("STOPPED " + task + " SESSION_LOST"),
                        Duration.ofSeconds(15));
            }
            late.close();
            assertThat(late.violations()).isEmpty();
        }
    }

    private static ChildJvm startChild(LiveFleet fleet, String id) {
        ChildJvm child = ChildJvm.start(MemberMain.class, ETCD.endpoint(), fleet.namespace(), id,
                Long.toString(CHILD_TTL.toSeconds()));
        child.awaitLine("^JOINED$", Duration.ofSeconds(60));
        return child;
    }

    /**
     * Follows every owner key and every application write in revision order: a write of the
     * child that lands while the child does not own the task is a violation (its fence should
     * have refused it).
     */
    private static final class LateWrites implements AutoCloseable {
        private final Map<String, String> owners = new ConcurrentHashMap<>();
        private final List<String> violations = new CopyOnWriteArrayList<>();
        private final AtomicBoolean childWrites = new AtomicBoolean();
        private final Watch watch;

        private LateWrites(LiveFleet fleet) {
            String tasks = fleet.namespace() + "tasks/";
            String app = fleet.namespace() + "app/";
            var read = fleet.etcd().range(KeyRange.prefix(tasks)).join();
            for (var kv : read.kvs()) {
                if (kv.key().endsWith("/owner")) {
                    owners.put(kv.key().substring(tasks.length(), kv.key().lastIndexOf('/')), kv.valueUtf8());
                }
            }
            this.watch = fleet.etcd().watch(KeyRange.prefix(fleet.namespace()), read.revision() + 1, new WatchListener() {
                @Override
                public void onEvents(List<WatchEvent> events) {
                    for (WatchEvent event : events) {
                        if (event.key().startsWith(tasks) && event.key().endsWith("/owner")) {
                            String task = event.key().substring(tasks.length(), event.key().lastIndexOf('/'));
                            if (event.type() == WatchEvent.Type.PUT) {
                                owners.put(task, event.kv().valueUtf8());
                            } else {
                                owners.remove(task);
                            }
                        } else if (event.key().startsWith(app) && event.type() == WatchEvent.Type.PUT
                                && event.kv().valueUtf8().startsWith("child:")) {
                            childWrites.set(true);
                            String task = event.key().substring(app.length());
                            String owner = owners.get(task);
                            if (!"child".equals(owner)) {
                                violations.add(event.key() + "=" + event.kv().valueUtf8() + " landed at "
                                        + event.modRevision() + " while the task was owned by " + owner);
                            }
                        }
                    }
                }

                @Override
                public void onCompacted(long compactRevision) {
                    violations.add("history compacted at " + compactRevision);
                }
            });
        }

        static LateWrites watch(LiveFleet fleet) {
            return new LateWrites(fleet);
        }

        List<String> violations() {
            return violations;
        }

        boolean childWritesSeen() {
            return childWrites.get();
        }

        @Override
        public void close() {
            watch.close();
        }
    }
}
