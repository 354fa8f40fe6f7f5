package dev.baton.server.differential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.Etcdctl;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code etcdctl} (API v3), unchanged, against real etcd and the embedded server: the same
 * commands in the same order, their output compared after replacing what differs by nature
 * (lease and member IDs, URLs, sizes).
 */
class EtcdctlComparisonTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static ScratchServer embedded;

    @BeforeAll
    static void start() {
        embedded = ScratchServer.start();
    }

    @AfterAll
    static void stop() {
        embedded.close();
    }

    private static List<String> endpoints() {
        return List.of(ETCD.endpoint(), embedded.endpoint());
    }

    /** Lease IDs are chosen by each server: they are replaced by their order of appearance. */
    private static String normalise(String output) {
        List<String> ids = new ArrayList<>();
        var matcher = java.util.regex.Pattern.compile("\\b[0-9a-f]{12,16}\\b").matcher(output);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String id = matcher.group();
            if (!ids.contains(id)) {
                ids.add(id);
            }
            matcher.appendReplacement(out, "<id" + ids.indexOf(id) + ">");
        }
        matcher.appendTail(out);
        return out.toString().replaceAll("remaining\\((\\d+)s\\)", "remaining(~)");
    }

    /** Runs the same etcdctl command on both and asserts the same (normalised) output; returns etcd's. */
    private static String same(String... args) {
        return same(Function.identity(), args);
    }

    private static String same(Function<String, String> normalise, String... args) {
        String etcd = Etcdctl.run(ETCD.endpoint(), args);
        String mine = Etcdctl.run(embedded.endpoint(), args);
        assertThat(normalise(normalise.apply(mine))).as("etcdctl %s", String.join(" ", args))
                .isEqualTo(normalise(normalise.apply(etcd)));
        return etcd;
    }

    @Test
    void putGetAndDelete() {
        same("put", "ctl/a", "1");
        same("put", "ctl/b", "2");
        same("put", "ctl/a", "3");
        same("put", "ctl/c", "4");
        same("get", "ctl/a");
        same("get", "ctl/", "--prefix");
        same("get", "ctl/", "--prefix", "--keys-only");
        same("get", "ctl/", "--prefix", "--sort-by=MODIFY", "--order=DESCEND");
        same("get", "ctl/", "--prefix", "--sort-by=VALUE", "--order=ASCEND", "--limit=2");
        same(s -> s.replaceAll("\"(ClusterID|MemberID|RaftTerm)\" : \\d+\n", ""),
                "get", "ctl/", "--from-key", "--limit=1", "-w", "fields");
        String json = same(s -> s.replaceAll("\"(cluster_id|member_id|raft_term)\":\\d+,?", ""),
                "get", "ctl/a", "-w", "json");
        long revision = Long.parseLong(json.replaceAll("(?s).*\"revision\":(\\d+).*", "$1"));
        same("get", "ctl/a", "--rev=" + (revision - 2));
        same("del", "ctl/b");
        same("del", "ctl/missing");
        same("del", "ctl/", "--prefix", "--prev-kv");
        same("get", "ctl/", "--prefix");
    }

    @Test
    void txnFromStandardInput() {
        same("put", "ctl/txn", "v");
        String script = "value(\"ctl/txn\") = \"v\"\n\nput ctl/txn v2\nget ctl/txn\n\nget ctl/none\n\n";
        List<String> outputs = new ArrayList<>();
        for (String endpoint : endpoints()) {
            outputs.add(normalise(runWithInput(endpoint, script, "txn")));
        }
        assertThat(outputs.get(1)).isEqualTo(outputs.get(0)).contains("SUCCESS");
    }

    private static String runWithInput(String endpoint, String input, String... args) {
        Process process = Etcdctl.start(endpoint, args);
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("etcdctl %s exit code", Arrays.toString(args)).isZero();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void leaseLifecycle() {
        List<String> outputs = new ArrayList<>();
        for (String endpoint : endpoints()) {
            StringBuilder out = new StringBuilder();
            String granted = Etcdctl.run(endpoint, "lease", "grant", "60");
            String id = granted.split(" ")[1];
            out.append(granted);
            out.append(Etcdctl.run(endpoint, "put", "--lease=" + id, "ctl/leased", "x"));
            out.append(Etcdctl.run(endpoint, "lease", "timetolive", "--keys", id));
            out.append(Etcdctl.run(endpoint, "lease", "keep-alive", "--once", id));
            String list = Etcdctl.run(endpoint, "lease", "list");
            assertThat(list).contains(id);
            out.append(Etcdctl.run(endpoint, "lease", "revoke", id));
            out.append(Etcdctl.run(endpoint, "get", "ctl/leased"));
            out.append(Etcdctl.run(endpoint, "lease", "timetolive", id));
            outputs.add(normalise(out.toString()));
        }
        assertThat(outputs.get(1)).isEqualTo(outputs.get(0));
    }

    /**
     * Watches are started at explicit revisions, so they see the same events however long
     * etcdctl takes to connect.
     */
    @Test
    void watchPrintsEventsWithPreviousValues() throws Exception {
        String json = same(s -> s.replaceAll("\"(cluster_id|member_id|raft_term)\":\\d+,?", ""),
                "put", "ctl/w/a", "0", "-w", "json");
        long start = Long.parseLong(json.replaceAll("(?s).*\"revision\":(\\d+).*", "$1"));
        same("put", "ctl/w/a", "1");
        same("put", "ctl/w/b", "2");
        same("del", "ctl/w/a");
        assertSameWatch(13, "watch", "--rev=" + (start + 1), "--prefix", "--prev-kv", "ctl/w/");
        assertSameWatch(12, "watch", "--rev=" + start, "--prefix", "ctl/w/");
    }

    private static void assertSameWatch(int lines, String... args) throws InterruptedException {
        List<List<String>> outputs = new ArrayList<>();
        for (String endpoint : endpoints()) {
            try (Lines watch = new Lines(Etcdctl.start(endpoint, args))) {
                outputs.add(watch.take(lines));
            }
        }
        assertThat(outputs.get(1)).as("etcdctl %s", String.join(" ", args)).isEqualTo(outputs.get(0));
    }

    @Test
    void electAndObserve() throws Exception {
        List<String> outputs = new ArrayList<>();
        for (String endpoint : endpoints()) {
            try (Lines candidate = new Lines(Etcdctl.start(endpoint, "elect", "ctl-election", "proposal-a"));
                 Lines observer = new Lines(Etcdctl.start(endpoint, "elect", "-l", "ctl-election"))) {
                List<String> leader = candidate.take(2);
                List<String> observed = observer.take(2);
                assertThat(observed).isEqualTo(leader);
                outputs.add(normalise(String.join("\n", leader)));
            }
        }
        assertThat(outputs.get(1)).isEqualTo(outputs.get(0));
    }

    @Test
    void lockExcludesUntilTheHolderSessionExpires() throws Exception {
        List<String> outputs = new ArrayList<>();
        for (String endpoint : endpoints()) {
            outputs.add(normalise(Etcdctl.run(endpoint, "lock", "ctl-lock", "echo", "locked")));
            try (Lines holder = new Lines(Etcdctl.start(endpoint, "lock", "--ttl=2", "ctl-lock-2"))) {
                String held = holder.take(1).get(0);
                Process waiter = Etcdctl.start(endpoint, "lock", "ctl-lock-2", "echo", "second");
                assertThat(waiter.isAlive()).as("a second locker must wait while %s holds the lock", held).isTrue();
                holder.kill();
                assertThat(waiter.waitFor(60, TimeUnit.SECONDS)).as("the lock is released on expiry").isTrue();
                outputs.add(normalise(held + "\n" + new String(waiter.getInputStream().readAllBytes(),
                        StandardCharsets.UTF_8)));
            }
        }
        assertThat(outputs.get(2)).isEqualTo(outputs.get(0));
        assertThat(outputs.get(3)).isEqualTo(outputs.get(1));
    }

    @Test
    void endpointStatusAndMemberList() {
        List<List<String>> status = new ArrayList<>();
        List<List<String>> members = new ArrayList<>();
        for (String endpoint : endpoints()) {
            String[] s = Etcdctl.run(endpoint, "endpoint", "status").trim().split(", ", -1);
            assertThat(s[0]).isEqualTo(endpoint);
            assertThat(s[2]).startsWith("3.4.");
            status.add(List.of(String.valueOf(s.length), s[4], s[5]));
            String[] m = Etcdctl.run(endpoint, "member", "list").trim().split(", ", -1);
            assertThat(m[4]).isEqualTo(endpoint);
            assertThat(m[0]).isEqualTo(s[1]);
            members.add(List.of(String.valueOf(m.length), m[1], m[5]));
        }
        assertThat(status.get(1)).isEqualTo(status.get(0));
        assertThat(members.get(1)).isEqualTo(members.get(0));
    }

    @Test
    void alarmCommandsWithARaisedAlarm() {
        for (String endpoint : endpoints()) {
            try (Target target = new Target(endpoint, endpoint)) {
                target.maintenance().alarm(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.ACTIVATE)
                        .setMemberID(42).setAlarm(AlarmType.NOSPACE).build());
            }
        }
        try {
            String listed = same("alarm", "list");
            assertThat(listed).isEqualTo("memberID:42 alarm:NOSPACE \n");
            List<String> refused = new ArrayList<>();
            for (String endpoint : endpoints()) {
                refused.add(refusal(() -> Etcdctl.run(endpoint, "put", "ctl/alarmed", "v")));
            }
            System.out.println("etcdctl put with NOSPACE raised: " + refused.get(1));
            assertThat(refused.get(1)).isEqualTo(refused.get(0)).contains("database space exceeded");
        } finally {
            assertThat(same("alarm", "disarm")).isEqualTo("memberID:42 alarm:NOSPACE \n");
        }
        same("put", "ctl/alarmed", "v");
        assertThat(same("alarm", "list")).isEmpty();
    }

    /** The message of the failure {@code command} ends with, from its "Error:" on. */
    private static String refusal(Runnable command) {
        try {
            command.run();
            return "succeeded";
        } catch (IllegalStateException e) {
            String message = e.getMessage();
            return message.substring(Math.max(0, message.indexOf("Error:"))).trim();
        }
    }

    @Test
    void maintenanceCommands() {
        for (String[] command : List.of(new String[] {"alarm", "list"}, new String[] {"alarm", "disarm"},
                new String[] {"defrag"})) {
            List<String> outputs = new ArrayList<>();
            for (String endpoint : endpoints()) {
                outputs.add(Etcdctl.run(endpoint, command).replace(endpoint, "<endpoint>"));
            }
            System.out.println("etcdctl " + String.join(" ", command) + ": " + outputs.get(1).trim());
            assertThat(outputs.get(1)).as("etcdctl %s", String.join(" ", command)).isEqualTo(outputs.get(0));
        }
        String json = same(s -> s.replaceAll("\"(cluster_id|member_id|raft_term)\":\\d+,?", ""),
                "put", "ctl/hashed", "v", "-w", "json");
        long revision = Long.parseLong(json.replaceAll("(?s).*\"revision\":(\\d+).*", "$1"));
        List<String> hashes = new ArrayList<>();
        for (String endpoint : endpoints()) {
            hashes.add(Etcdctl.run(endpoint, "endpoint", "hashkv", "--rev=" + revision).replace(endpoint, "<endpoint>"));
        }
        System.out.println("etcdctl endpoint hashkv --rev=" + revision + ": " + hashes.get(1).trim());
        // Keys named after server-chosen lease IDs (elect, lock) make the key spaces, and so the
        // hashes, differ here; MaintenanceDifferentialTest compares the values on equal histories.
        assertThat(hashes).allMatch(h -> h.matches("<endpoint>, \\d+\n"));
    }

    @Test
    void moveLeaderToItselfAndToAStranger() {
        List<String> outputs = new ArrayList<>();
        for (String endpoint : endpoints()) {
            String self = Etcdctl.run(endpoint, "endpoint", "status").trim().split(", ", -1)[1];
            StringBuilder out = new StringBuilder(Etcdctl.run(endpoint, "move-leader", self));
            try {
                Etcdctl.run(endpoint, "move-leader", "12345");
            } catch (IllegalStateException e) {
                out.append(e.getMessage().replaceAll("(?s).*(Error: .*)", "$1"));
            }
            outputs.add(normalise(out.toString().replace(endpoint, "<endpoint>")));
        }
        System.out.println("etcdctl move-leader: " + outputs.get(1));
        assertThat(outputs.get(1)).isEqualTo(outputs.get(0));
    }

    /** The standard output of a long-running etcdctl, line by line. */
    private static final class Lines implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Lines(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // The process was killed; what it printed is already queued.
                }
            }, "etcdctl-output");
            reader.setDaemon(true);
            reader.start();
        }

        List<String> take(int n) throws InterruptedException {
            List<String> taken = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String line = lines.poll(30, TimeUnit.SECONDS);
                assertThat(line).as("line %d of %d from etcdctl (got %s)", i + 1, n, taken).isNotNull();
                taken.add(line);
            }
            return taken;
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            kill();
        }
    }
}
