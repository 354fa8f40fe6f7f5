package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.baton.etcd.Etcd;
import dev.baton.server.EmbeddedEtcd;
import dev.baton.session.SessionState;
import dev.baton.testkit.FuzzRun;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Garbage written straight into a live task namespace — random bytes, invalid UTF-8 and hostile
 * JSON under task, member and command keys, and keys whose ids are not valid — while a member
 * runs on an embedded server: the member keeps running every good task submitted after it, the
 * client still lists the namespace, and a garbage task is listed with its problems.
 */
@AddLifecycleHook(FuzzRun.class)
class StoredGarbageFuzzTest {
    private static final String[] PARTS = {"spec", "state", "owner", "done", "extra", ""};
    private static final byte[][] ODD_SEGMENTS = {
        {(byte) 0xff}, {(byte) 0xc3, 0x28}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {0}, {'\n'}, {},
        {(byte) 0xef, (byte) 0xbf, (byte) 0xbd},
    };

    private EmbeddedEtcd server;
    private LiveFleet fleet;
    private ManagedChannel raw;
    private final Set<TaskId> ran = ConcurrentHashMap.newKeySet();
    private int round;

    /** One garbage write: a key below the namespace, as bytes, and its value. */
    record Garbage(byte[] key, byte[] value) {
        @Override
        public String toString() {
            return Excerpt.of(new String(key, StandardCharsets.UTF_8)) + " = "
                    + Excerpt.of(new String(value, StandardCharsets.UTF_8));
        }
    }

    @BeforeProperty
    void startMember() {
        server = EmbeddedEtcd.builder().inMemory().build().start();
        // The first client of a JVM loads jetcd and gRPC, which can take longer than a request timeout.
        try (Etcd warmUp = Etcd.builder().endpoints(server.endpoint()).requestTimeout(Duration.ofSeconds(60)).build()) {
            warmUp.get("warm-up").join();
        }
        fleet = new LiveFleet(server.endpoint(), "garbage");
        fleet.start("m", b -> b.handler(context -> ran.add(context.id())));
        raw = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    @AfterProperty
    void stop() throws InterruptedException {
        raw.shutdownNow();
        raw.awaitTermination(5, TimeUnit.SECONDS);
        fleet.close();
        server.close();
    }

    @Property(tries = 15, shrinking = ShrinkingMode.OFF)
    void garbageInTheNamespaceIsReportedAndTheOtherTasksRun(@ForAll("garbage") List<Garbage> garbage) {
        round++;
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(raw).withDeadlineAfter(20, TimeUnit.SECONDS);
        byte[] namespace = fleet.namespace().getBytes(StandardCharsets.UTF_8);
        for (Garbage g : garbage) {
            kv.put(PutRequest.newBuilder().setKey(ByteString.copyFrom(namespace).concat(ByteString.copyFrom(g.key())))
                    .setValue(ByteString.copyFrom(g.value())).build());
        }
        List<TaskId> good = fleet.submit("ok-" + round, 3);

        await().atMost(Duration.ofSeconds(30)).until(() -> ran.containsAll(good));

        assertThat(fleet.member("m").status().session()).isEqualTo(SessionState.CONNECTED);
        List<TaskInfo> listed = fleet.client().list();
        assertThat(listed).as("tasks read from keys whose id is not UTF-8 (decoded to U+FFFD)")
                .noneMatch(task -> task.id().value().contains("\ufffd"));
        for (TaskInfo task : listed) {
            if (task.id().value().startsWith("g" + round + "-") && !task.valid()) {
                assertThat(task.problems()).as("the problems of %s", task.id()).allSatisfy(p -> assertThat(p)
                        .satisfiesAnyOf(text -> assertThat(text).startsWith("invalid "),
                                text -> assertThat(text).contains("\"" + task.id() + "\"")));
            }
        }
    }

    /** Three to eight garbage writes; task ids {@code g<round>-<n>} so rounds never meet. */
    @Provide
    Arbitrary<List<Garbage>> garbage() {
        return Arbitraries.randomValue(random -> {
            HostileJson json = new HostileJson(random);
            List<Garbage> writes = new ArrayList<>();
            int count = 3 + random.nextInt(6);
            for (int i = 0; i < count; i++) {
                writes.add(new Garbage(key(random, i), value(random, json)));
            }
            return writes;
        });
    }

    private byte[] key(Random random, int n) {
        String id = "g" + (round + 1) + "-" + n;
        return switch (random.nextInt(6)) {
            case 0, 1 -> utf8("tasks/" + id + "/" + PARTS[random.nextInt(PARTS.length)]);
            case 2 -> concat(utf8("tasks/"), ODD_SEGMENTS[random.nextInt(ODD_SEGMENTS.length)],
                    utf8("/" + PARTS[random.nextInt(4)]));
            case 3 -> concat(utf8("members/"), ODD_SEGMENTS[random.nextInt(ODD_SEGMENTS.length)]);
            case 4 -> utf8("commands/members/m/" + random.nextInt(1000) + "-garbage");
            default -> concat(utf8("commands/tasks/"), random.nextBoolean() ? utf8(id)
                    : ODD_SEGMENTS[random.nextInt(ODD_SEGMENTS.length)], utf8("/1-garbage"));
        };
    }

    private static byte[] value(Random random, HostileJson json) {
        return switch (random.nextInt(4)) {
            case 0 -> {
                byte[] b = new byte[random.nextInt(64)];
                random.nextBytes(b);
                yield b;
            }
            case 1 -> new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'};
            default -> utf8(json.next("{\"command\":\"pause\"}"));
        };
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteString all = ByteString.EMPTY;
        for (byte[] p : parts) {
            all = all.concat(ByteString.copyFrom(p));
        }
        return all.toByteArray();
    }
}
