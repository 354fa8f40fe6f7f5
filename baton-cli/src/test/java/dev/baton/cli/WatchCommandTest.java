package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code baton watch}: the current contents, a RESYNCED marker, then the changes as they happen.
 * The command prints through the keyspace cache, which coalesces a key's pending changes while the
 * printer lags, so a key added and removed in quick succession may print nothing at all.
 */
class WatchCommandTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void printsTheContentsThenEveryChange() {
        ETCD.process().etcdctl("put", "app/a", "one");
        try (ChildJvm watch = ChildJvm.builder(BatonCommand.class)
                .args("watch", "--endpoints", ETCD.endpoint(), "app").start()) {
            watch.awaitLine(line -> line.matches("ADDED \\d+ app/a one"), TIMEOUT);
            watch.awaitLine(line -> line.matches("RESYNCED \\d+"), TIMEOUT);
            ETCD.process().etcdctl("put", "app/b", "two");
            ETCD.process().etcdctl("put", "app/a", "three");
            ETCD.process().etcdctl("del", "app/b");
            ETCD.process().etcdctl("put", "apple", "not under app/");
            ETCD.process().etcdctl("put", "app/z", "end");
            watch.awaitLine(line -> line.matches("ADDED \\d+ app/z end"), TIMEOUT);

            List<String> changes = watch.lines().stream().filter(line -> !line.startsWith("RESYNCED"))
                    .map(line -> line.replaceFirst(" \\d+ ", " ")).toList();
            assertThat(changes).noneMatch(line -> line.contains("apple"));
            assertThat(changes).filteredOn(line -> line.contains("app/a")).endsWith("CHANGED app/a three");
            assertThat(changes.stream().filter(line -> line.contains("app/b")).toList())
                    .as("app/b was added and removed: both, or (coalesced for a slow printer) neither")
                    .isIn(List.of(), List.of("ADDED app/b two", "REMOVED app/b"));
        }
    }
}
