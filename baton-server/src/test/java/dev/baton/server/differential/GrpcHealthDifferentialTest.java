package dev.baton.server.differential;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import dev.baton.testkit.EtcdExtension;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * gRPC's health service ({@code grpc.health.v1.Health}) on real etcd and the embedded server,
 * called with hand-encoded messages: Check and the first answer of Watch, for the whole server
 * ("") and for another name, compared.
 */
class GrpcHealthDifferentialTest {
    private final Path etcdDir = FastTempDirs.create("baton-etcd-");

    @RegisterExtension
    final EtcdExtension etcd = new EtcdExtension(b -> b.dataDir(etcdDir));

    private ScratchServer embedded;

    @BeforeEach
    void start() {
        embedded = ScratchServer.start();
    }

    @AfterEach
    void stop() {
        embedded.close();
        FastTempDirs.delete(etcdDir);
    }

    @Test
    void healthChecksAndWatchesAnswerAsEtcds() {
        List<String> onEtcd = transcript(new Target("etcd", etcd.endpoint()));
        List<String> onEmbedded = transcript(new Target("embedded", embedded.endpoint()));
        System.out.println("gRPC health: " + onEtcd);
        assertThat(onEmbedded).containsExactlyElementsOf(onEtcd);
        assertThat(onEtcd).first().isEqualTo("Check '': status 1");
    }

    private static List<String> transcript(Target target) {
        List<String> lines = new ArrayList<>();
        try (target) {
            for (String service : List.of("", "etcdserverpb.KV")) {
                lines.add("Check '" + service + "': " + check(target.channel, service));
                lines.add("Watch '" + service + "': " + firstWatched(target.channel, service));
            }
        }
        return lines;
    }

    private static String check(ManagedChannel channel, String service) {
        try {
            return status(ClientCalls.blockingUnaryCall(channel, method("Check", MethodDescriptor.MethodType.UNARY),
                    CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request(service)));
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
        }
    }

    private static String firstWatched(ManagedChannel channel, String service) {
        ClientCall<byte[], byte[]> call = channel.newCall(method("Watch", MethodDescriptor.MethodType.SERVER_STREAMING),
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
        Iterator<byte[]> answers = ClientCalls.blockingServerStreamingCall(call, request(service));
        String first = status(answers.next());
        call.cancel("seen the first answer", null);
        return first;
    }

    /** {@code HealthCheckRequest{service = 1}}. */
    private static byte[] request(String service) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            if (!service.isEmpty()) {
                out.writeString(1, service);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code HealthCheckResponse{status = 1}}, as "status N". */
    private static String status(byte[] response) {
        try {
            List<Long> status = UnknownFieldSet.parseFrom(response).getField(1).getVarintList();
            return "status " + (status.isEmpty() ? 0 : status.get(0));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        return Target.rawMethod(MethodDescriptor.generateFullMethodName("grpc.health.v1.Health", name), type);
    }
}
