package dev.baton.server.differential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Message;
import dev.baton.server.EmbeddedEtcd;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrpc;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.function.Supplier;

/**
 * Runs every call against real etcd and the embedded server and fails, naming the call and
 * showing both answers, as soon as their normalised outcomes differ. The two servers start empty
 * and receive the same calls in the same order, so their revisions stay in step.
 */
final class Differential implements AutoCloseable {
    private static final int HISTORY = 20;

    final Target etcd;
    final Target embedded;
    private final ScratchServer server;
    private final Deque<String> history = new ArrayDeque<>();
    private String context = "";

    private Differential(Target etcd, Target embedded, ScratchServer server) {
        this.etcd = etcd;
        this.embedded = embedded;
        this.server = server;
    }

    /** Compares against the etcd at {@code etcdEndpoint} a fresh embedded server with fsync on. */
    static Differential against(String etcdEndpoint) {
        return against(etcdEndpoint, UnaryOperator.identity());
    }

    /** Compares against the etcd at {@code etcdEndpoint} a fresh embedded server built with {@code options}. */
    static Differential against(String etcdEndpoint, UnaryOperator<EmbeddedEtcd.Builder> options) {
        ScratchServer server = ScratchServer.start(options);
        return new Differential(new Target("etcd", etcdEndpoint), new Target("embedded", server.endpoint()), server);
    }

    /** The embedded server's client URL, for tools that take one (etcdctl). */
    String embeddedEndpoint() {
        return server.endpoint();
    }

    /** Text added to every failure, such as the seed of a random run. */
    void context(String context) {
        this.context = context;
    }

    Outcome kv(String what, Function<KVGrpc.KVBlockingStub, ? extends Message> call) {
        return run(what, t -> call.apply(t.kv()));
    }

    Outcome lease(String what, Function<LeaseGrpc.LeaseBlockingStub, ? extends Message> call) {
        return run(what, t -> call.apply(t.lease()));
    }

    Outcome run(String what, Function<Target, ? extends Message> call) {
        return run(what, call, UnaryOperator.identity());
    }

    /**
     * Runs {@code call} on both servers and compares the outcomes after {@code canonical} (for
     * answers whose order etcd leaves unspecified). Returns etcd's outcome.
     */
    Outcome run(String what, Function<Target, ? extends Message> call, UnaryOperator<Message> canonical) {
        Outcome expected = outcome(etcd, call, canonical);
        Outcome actual = outcome(embedded, call, canonical);
        remember(what);
        if (!expected.equals(actual)) {
            throw new AssertionError(failure(what, expected, actual));
        }
        return expected;
    }

    private static Outcome outcome(Target target, Function<Target, ? extends Message> call,
            UnaryOperator<Message> canonical) {
        Outcome o = Outcome.of(() -> call.apply(target));
        return o.ok() ? new Outcome(canonical.apply(o.response()), o.code(), o.description()) : o;
    }

    /** Compares two values computed on each server. */
    <T> T same(String what, Function<Target, T> value) {
        T expected = value.apply(etcd);
        T actual = value.apply(embedded);
        remember(what);
        if (!expected.equals(actual)) {
            throw new AssertionError(failure(what, expected, actual));
        }
        return expected;
    }

    private void remember(String what) {
        history.addLast(what);
        if (history.size() > HISTORY) {
            history.removeFirst();
        }
    }

    private String failure(String what, Object expected, Object actual) {
        return (context.isEmpty() ? "" : context + "\n") + what + " differs\n--- etcd:\n" + expected
                + "\n--- embedded:\n" + actual + "\n--- last calls:\n  " + String.join("\n  ", history);
    }

    /** A watch stream opened on each server. */
    WatchPair openWatches() {
        return new WatchPair(new WatchRecorder(etcd), new WatchRecorder(embedded));
    }

    /** The same watch stream on both servers; compared watch by watch. */
    final class WatchPair implements AutoCloseable {
        final WatchRecorder onEtcd;
        final WatchRecorder onEmbedded;

        private WatchPair(WatchRecorder onEtcd, WatchRecorder onEmbedded) {
            this.onEtcd = onEtcd;
            this.onEmbedded = onEmbedded;
        }

        void send(io.etcd.jetcd.api.WatchRequest request) {
            onEtcd.send(request);
            onEmbedded.send(request);
        }

        /**
         * Waits until both streams satisfy {@code condition}: a sync point, such as a watch
         * being created on both before the next write, so its start does not depend on timing.
         */
        void awaitBoth(Predicate<Map<Long, List<String>>> condition) {
            await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                    .until(() -> condition.test(onEtcd.byWatch()) && condition.test(onEmbedded.byWatch()));
        }

        /**
         * Waits until etcd's stream satisfies {@code complete}, then until the embedded server's
         * stream shows the same, watch by watch, and fails with both when it does not.
         */
        void awaitSame(String what, Predicate<Map<Long, List<String>>> complete) {
            await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                    .until(() -> complete.test(onEtcd.byWatch()));
            Supplier<Map<Long, List<String>>> actual = onEmbedded::byWatch;
            try {
                await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                        .until(() -> actual.get().equals(onEtcd.byWatch()));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(failure(what, onEtcd.byWatch(), actual.get()));
            }
            remember(what);
            assertThat(actual.get()).isEqualTo(onEtcd.byWatch());
        }

        @Override
        public void close() {
            onEtcd.close();
            onEmbedded.close();
        }
    }

    @Override
    public void close() {
        etcd.close();
        embedded.close();
        server.close();
    }
}
