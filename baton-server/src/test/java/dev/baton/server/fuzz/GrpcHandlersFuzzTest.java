package dev.baton.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.baton.server.EmbeddedEtcd;
import dev.baton.testkit.FuzzRun;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * Malformed and extreme requests through the raw gRPC stubs against an embedded server with a
 * data directory: the server answers each or rejects it with etcd's own error (or the
 * transport's size limit), a normal write and read still work after every request, and the
 * store always holds exactly what the acknowledged writes say, also after a restart from the
 * data directory at the end of each property's run.
 */
@AddLifecycleHook(FuzzRun.class)
class GrpcHandlersFuzzTest {
    private final AcknowledgedWrites model = new AcknowledgedWrites();
    private Path dir;
    private EmbeddedEtcd server;
    private ManagedChannel channel;
    private long canaryWrites;
    /** False while a try runs, and after one that failed: the model may then be behind the store. */
    private boolean modelCurrent = true;

    @BeforeProperty
    void startServer() throws IOException {
        dir = Files.createTempDirectory("baton-fuzz-");
        start();
    }

    /** fsync off: acknowledged writes still survive the restart below (a close, not a machine crash). */
    private void start() {
        server = EmbeddedEtcd.builder().dataDir(dir).fsync(false).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                .maxInboundMessageSize(256 * 1024 * 1024).build();
    }

    private void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterProperty
    void restartAndCheckNothingIsLost() throws InterruptedException {
        try {
            if (modelCurrent) {
                storeAgreesWithAcknowledgedWrites("before the restart");
                stop();
                start();
                storeAgreesWithAcknowledgedWrites("after a restart from the data directory");
            }
        } finally {
            stop();
            deleteDirectory(dir);
        }
    }

    @Property(tries = 120, shrinking = ShrinkingMode.OFF)
    void hostileRequestsAreAnsweredOrRejectedByNameAndNothingAcknowledgedIsLost(
            @ForAll("requestSequences") RequestSequence<Message> sequence) {
        modelCurrent = false;
        for (Message request : sequence.requests()) {
            try {
                model.acknowledged(request, ApiCalls.send(channel, request));
            } catch (StatusRuntimeException e) {
                String problem = Rejections.problem(e);
                assertThat(problem).as("%s was rejected with %s", ApiCalls.describe(request), e.getStatus()).isNull();
            }
            aNormalWriteAndReadStillWork(request);
        }
        storeAgreesWithAcknowledgedWrites("after " + sequence.requests().size() + " requests");
        modelCurrent = true;
    }

    @Property(tries = 40, shrinking = ShrinkingMode.OFF)
    void watchStormsLeaveTheStreamAndTheServerWorking(@ForAll("watchStorms") RequestSequence<WatchRequest> storm) {
        modelCurrent = false;
        try (RawWatchStream stream = new RawWatchStream(channel)) {
            long creates = 0;
            for (WatchRequest request : storm.requests()) {
                stream.send(request);
                creates += request.hasCreateRequest() ? 1 : 0;
            }
            ByteString key = ByteString.copyFromUtf8("w/canary/" + (++canaryWrites));
            stream.send(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder().setKey(key)).build());
            long expectedCreated = creates + 1;
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(stream.failure.get()).as("the watch stream's failure").isNull();
                assertThat(stream.createdCount()).as("created answers, one per create").isEqualTo(expectedCreated);
            });
            WatchResponse created = stream.responses.stream().filter(WatchResponse::getCreated)
                    .skip(expectedCreated - 1).findFirst().orElseThrow();
            assertThat(created.getCanceled()).as("the canary watch is refused: %s", created).isFalse();
            PutRequest put = PutRequest.newBuilder().setKey(key).setValue(ByteString.copyFromUtf8("seen")).build();
            model.acknowledged(put, ApiCalls.send(channel, put));
            stream.send(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(stream.failure.get()).as("the watch stream's failure").isNull();
                assertThat(stream.responses).as("the canary's event")
                        .anyMatch(r -> r.getWatchId() == created.getWatchId() && r.getEventsList().stream()
                                .anyMatch(e -> e.getKv().getKey().equals(key)));
            });
        }
        aNormalWriteAndReadStillWork(null);
        modelCurrent = true;
    }

    @Provide
    Arbitrary<RequestSequence<Message>> requestSequences() {
        return RequestSequence.apiRequests(false);
    }

    /** Mostly up to 30 requests on one stream, sometimes up to 400. */
    @Provide
    Arbitrary<RequestSequence<WatchRequest>> watchStorms() {
        return Arbitraries.randomValue(random -> {
            HostileRequests source = new HostileRequests(random, false);
            List<WatchRequest> requests = new ArrayList<>();
            int count = 1 + random.nextInt(random.nextInt(10) == 0 ? 400 : 30);
            for (int i = 0; i < count; i++) {
                requests.add(source.watchRequest());
            }
            return new RequestSequence<>(requests);
        });
    }

    private void aNormalWriteAndReadStillWork(Message after) {
        ByteString value = ByteString.copyFromUtf8("canary " + (++canaryWrites));
        PutRequest put = PutRequest.newBuilder().setKey(HostileRequests.CANARY).setValue(value).build();
        String context = after == null ? "after a watch storm" : "after " + ApiCalls.describe(after);
        try {
            model.acknowledged(put, ApiCalls.send(channel, put));
            RangeResponse read = kv().range(RangeRequest.newBuilder().setKey(HostileRequests.CANARY).build());
            assertThat(read.getKvsList()).as("the canary read " + context).singleElement()
                    .extracting(KeyValue::getValue).isEqualTo(value);
        } catch (StatusRuntimeException e) {
            throw new AssertionError("a normal write or read fails " + context + ": " + e.getStatus(), e);
        }
    }

    private void storeAgreesWithAcknowledgedWrites(String when) {
        ByteString all = ByteString.copyFrom(new byte[] {0});
        RangeResponse everything = kv().range(RangeRequest.newBuilder().setKey(all).setRangeEnd(all).build());
        assertThat(model.disagreements(everything.getKvsList()))
                .as("the store %s, compared with the %d keys acknowledged writes left", when, model.size())
                .isEmpty();
    }

    private KVGrpc.KVBlockingStub kv() {
        return KVGrpc.newBlockingStub(channel).withDeadlineAfter(ApiCalls.DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private static void deleteDirectory(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
