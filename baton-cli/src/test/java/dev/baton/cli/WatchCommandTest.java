package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code baton watch}: the current contents, a RESYNCED marker, then every change as it happens. */
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
            watch.awaitLine(line -> line.matches("REMOVED \\d+ app/b"), TIMEOUT);
            assertThat(watch.lines()).filteredOn(line -> !line.startsWith("RESYNCED"))
                    .map(line -> line.replaceFirst(" \\d+ ", " "))
                    .containsExactly("ADDED app/a one", "ADDED app/b two", "CHANGED app/a three", "REMOVED app/b");
        }
    }
}
