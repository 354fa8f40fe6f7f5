package dev.baton.testkit.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.baton.etcd.Etcd;
import dev.baton.session.Session;
import dev.baton.session.SessionState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The extension in use, and probe classes run through the JUnit engine to see what it did around them. */
class EmbeddedEtcdExtensionTest {
    static final List<String> SEEN = new CopyOnWriteArrayList<>();
    static final List<Path> DATA_DIRS = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final EmbeddedEtcdExtension etcd = new EmbeddedEtcdExtension();

    private static Events run(Class<?> probe) {
        SEEN.clear();
        DATA_DIRS.clear();
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(probe)).execute().testEvents();
    }

    @Test
    void aSessionOpensOnTheServerInMemoryWithNoEtcdBinary() throws Exception {
        Etcd client = etcd.add(Etcd.builder().endpoints(etcd.endpoint()).build());
        Session session = etcd.add(Session.builder(client).open());

        client.put(etcd.namespace() + "greeting", "hello", session.lease()).get(5, TimeUnit.SECONDS);

        assertThat(session.state()).isEqualTo(SessionState.CONNECTED);
        assertThat(etcd.dataDir()).isEmpty();
        assertThat(etcd.namespace()).isEqualTo("EmbeddedEtcdExtensionTest/aSessionOpensOnTheServerInMemoryWithNoEtcdBinary/");
        assertThat(client.get(etcd.namespace() + "greeting").get(5, TimeUnit.SECONDS))
                .hasValueSatisfying(kv -> assertThat(kv.valueUtf8()).isEqualTo("hello"));
    }

    @Test
    void onDiskTheDataIsInATemporaryDirectoryDeletedAfterTheServerCloses() {
        run(OnDiskProbe.class).assertStatistics(stats -> stats.succeeded(1).failed(0));

        assertThat(DATA_DIRS).singleElement().satisfies(dir -> assertThat(dir).doesNotExist());
        assertThat(SEEN).containsExactly("data dir had files");
    }

    @Test
    void whatATestAddsClosesWhileTheServerStillAnswers() {
        run(ClosingProbe.class).assertStatistics(stats -> stats.succeeded(1).failed(0));

        assertThat(SEEN).containsExactly("put at close: ok");
    }

    @Test
    void theServerExistsOnlyWhileATestRuns() {
        EmbeddedEtcdExtension unused = new EmbeddedEtcdExtension();

        assertThatThrownBy(unused::endpoint).isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
    }

    static class OnDiskProbe {
        @RegisterExtension
        final EmbeddedEtcdExtension etcd = EmbeddedEtcdExtension.onDisk();

        @Test
        void writes() throws Exception {
            Path dir = etcd.dataDir().orElseThrow();
            DATA_DIRS.add(dir);
            Etcd client = etcd.add(Etcd.builder().endpoints(etcd.endpoint()).build());
            client.put("k", "v", 0).get(5, TimeUnit.SECONDS);
            try (var files = Files.list(dir)) {
                SEEN.add(files.findAny().isPresent() ? "data dir had files" : "data dir was empty");
            } catch (IOException e) {
                SEEN.add("data dir unreadable: " + e);
            }
        }
    }

    /** A resource whose close writes to the server: it can only succeed while the server still runs. */
    static class ClosingProbe {
        @RegisterExtension
        final EmbeddedEtcdExtension etcd = new EmbeddedEtcdExtension();

        @Test
        void addsAClientThatWritesAsItCloses() {
            Etcd client = Etcd.builder().endpoints(etcd.endpoint()).build();
            etcd.add(client);
            etcd.add(() -> {
                try {
                    client.put("closing", "1", 0).get(5, TimeUnit.SECONDS);
                    SEEN.add("put at close: ok");
                } catch (Exception e) {
                    SEEN.add("put at close failed: " + e);
                }
            });
        }
    }
}
