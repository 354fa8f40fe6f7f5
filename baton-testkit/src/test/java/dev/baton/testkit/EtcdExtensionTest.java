package dev.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs small probe classes through the JUnit engine and checks what the extension did to
 * their etcd processes. Surefire does not run the nested probes on their own.
 */
class EtcdExtensionTest {

    static final List<Long> PIDS = new CopyOnWriteArrayList<>();
    static final List<String> CLOSED_WHILE_RUNNING = new CopyOnWriteArrayList<>();
    static final List<String> NAMESPACES = new CopyOnWriteArrayList<>();
    static volatile Path archiveRoot;

    private static Events run(Class<?> probe) {
        PIDS.clear();
        NAMESPACES.clear();
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(probe)).execute().testEvents();
    }

    @Test
    void staticFieldSharesOneEtcdPerClassAndKillsItAfterwards() {
        run(ClassScopedProbe.class).assertStatistics(stats -> stats.succeeded(2).failed(0));

        assertThat(PIDS).hasSize(2);
        assertThat(PIDS.get(0)).isEqualTo(PIDS.get(1));
        assertThat(NAMESPACES).containsExactlyInAnyOrder("ClassScopedProbe/first/", "ClassScopedProbe/second/");
        assertThat(ProcessHandle.of(PIDS.get(0))).as("etcd of the probe class still runs").isEmpty();
    }

    @Test
    void instanceFieldGivesEachTestItsOwnEtcd() {
        run(MethodScopedProbe.class).assertStatistics(stats -> stats.succeeded(2).failed(0));

        assertThat(PIDS).hasSize(2).doesNotHaveDuplicates();
        assertThat(PIDS).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isEmpty());
    }

    @Test
    void failedTestKeepsItsEtcdLogAndStillTearsDown(@TempDir Path root) {
        archiveRoot = root;
        run(FailingProbe.class).assertStatistics(stats -> stats.failed(1));

        Path kept = root.resolve(FailingProbe.class.getName()).resolve("failsOnPurpose.log");
        assertThat(kept).exists().content().contains("serving client traffic");
        assertThat(ProcessHandle.of(PIDS.get(0))).isEmpty();
    }

    @Test
    void classLevelFailureKeepsTheLogUnderTheClassName(@TempDir Path root) {
        archiveRoot = root;
        run(FailingSetupProbe.class);

        Path kept = root.resolve(FailingSetupProbe.class.getName()).resolve("FailingSetupProbe.log");
        assertThat(kept).exists().content().contains("serving client traffic");
        assertThat(ProcessHandle.of(PIDS.get(0))).isEmpty();
    }

    @Test
    void whatATestAddsIsClosedNewestFirstWhileItsEtcdStillRuns() {
        CLOSED_WHILE_RUNNING.clear();
        run(AddingProbe.class).assertStatistics(stats -> stats.succeeded(1).failed(0));

        assertThat(CLOSED_WHILE_RUNNING).containsExactlyInAnyOrder("class-scoped: second", "class-scoped: first",
                "method-scoped: second", "method-scoped: first", "class-scoped: from @BeforeAll");
        assertThat(CLOSED_WHILE_RUNNING).containsSubsequence("class-scoped: second", "class-scoped: first",
                "class-scoped: from @BeforeAll");
        assertThat(CLOSED_WHILE_RUNNING).containsSubsequence("method-scoped: second", "method-scoped: first");
        assertThat(PIDS).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isEmpty());
    }

    @Test
    void aResourceThatFailsToCloseFailsTheTestAfterTheEtcdIsStopped() {
        run(FailingCloseProbe.class).assertStatistics(stats -> stats.failed(1));

        assertThat(ProcessHandle.of(PIDS.get(0))).isEmpty();
    }

    @Test
    void accessOutsideATestIsExplained() {
        EtcdExtension unused = new EtcdExtension();
        assertThatThrownBy(unused::endpoint)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not running");
    }

    @Test
    void archiveCopiesTheLogUnderClassAndTestName(@TempDir Path root, @TempDir Path work) throws Exception {
        Path log = work.resolve("etcd.log");
        Files.writeString(log, "line one\nline two\n");
        EtcdLogArchive archive = new EtcdLogArchive(root);

        Path single = archive.copy(log, "com.example.FooTest", "bar", null);
        Path member = archive.copy(log, "com.example.FooTest", "bar", "m1");
        Path odd = archive.copy(log, "com.example.FooTest", "[1] a/b", null);

        assertThat(single).isEqualTo(root.resolve("com.example.FooTest").resolve("bar.log")).hasContent("line one\nline two");
        assertThat(member).isEqualTo(root.resolve("com.example.FooTest").resolve("bar-m1.log"));
        assertThat(odd.getFileName().toString()).isEqualTo("_1__a_b.log");
    }

    static class ClassScopedProbe {
        @RegisterExtension
        static final EtcdExtension etcd = new EtcdExtension();

        @Test
        void first() {
            PIDS.add(etcd.process().pid());
            NAMESPACES.add(etcd.namespace());
            etcd.process().etcdctl("put", "k", "v");
        }

        @Test
        void second() {
            PIDS.add(etcd.process().pid());
            NAMESPACES.add(etcd.namespace());
            assertThat(etcd.endpoint()).startsWith("http://127.0.0.1:");
        }
    }

    static class MethodScopedProbe {
        @RegisterExtension
        final EtcdExtension etcd = new EtcdExtension();

        @Test
        void first() {
            PIDS.add(etcd.process().pid());
        }

        @Test
        void second() {
            PIDS.add(etcd.process().pid());
        }
    }

    static class FailingProbe {
        @RegisterExtension
        final EtcdExtension etcd = new EtcdExtension(options -> { }, new EtcdLogArchive(archiveRoot));

        @Test
        void failsOnPurpose() {
            PIDS.add(etcd.process().pid());
            throw new AssertionError("this probe fails so its etcd log is kept");
        }
    }

    static class FailingSetupProbe {
        @RegisterExtension
        static final EtcdExtension etcd = new EtcdExtension(options -> { }, new EtcdLogArchive(archiveRoot));

        @BeforeAll
        static void failingSetup() {
            PIDS.add(etcd.process().pid());
            throw new IllegalStateException("this probe's setup fails so its etcd log is kept");
        }

        @Test
        void neverRuns() {
            throw new AssertionError("setup failed, so this does not run");
        }
    }

    /** Both scopes, each adding resources that note, as they close, that their etcd still runs. */
    static class AddingProbe {
        @RegisterExtension
        static final EtcdExtension shared = new EtcdExtension();
        @RegisterExtension
        final EtcdExtension own = new EtcdExtension();

        static AutoCloseable noting(String name, EtcdExtension etcd) {
            long pid = etcd.process().pid();
            PIDS.add(pid);
            return () -> {
                if (ProcessHandle.of(pid).isPresent()) {
                    CLOSED_WHILE_RUNNING.add(name);
                }
            };
        }

        @BeforeAll
        static void openForTheClass() {
            shared.add(noting("class-scoped: from @BeforeAll", shared));
        }

        @Test
        void addsFourResources() {
            own.add(noting("method-scoped: first", own));
            own.add(noting("method-scoped: second", own));
            shared.add(noting("class-scoped: first", shared));
            shared.add(noting("class-scoped: second", shared));
        }
    }

    static class FailingCloseProbe {
        @RegisterExtension
        final EtcdExtension etcd = new EtcdExtension();

        @Test
        void addsAResourceThatFailsToClose() {
            PIDS.add(etcd.process().pid());
            etcd.add(() -> {
                throw new IllegalStateException("this resource fails to close on purpose");
            });
        }
    }
}
