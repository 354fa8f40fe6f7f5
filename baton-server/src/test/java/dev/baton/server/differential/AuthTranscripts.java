package dev.baton.server.differential;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.etcd.jetcd.api.lock.LockGrpc;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The auth tests' callers: each call is made on real etcd and on the embedded server as the same
 * user (with the token that server gave that user), and each server's answers (headers reduced to
 * their revision, tokens left out) are kept as a transcript, compared at the end.
 */
final class AuthTranscripts {
    private final List<Side> sides;

    AuthTranscripts(Target etcd, Target embedded) {
        this.sides = List.of(new Side(etcd), new Side(embedded));
    }

    /** One server: its target, the tokens its users got, and what it answered. */
    private static final class Side {
        final Target target;
        final Map<String, String> tokens = new HashMap<>();
        final List<String> transcript = new ArrayList<>();

        Side(Target target) {
            this.target = target;
        }
    }

    /** A caller on one server: no token, a user's token, or a token the server never gave. */
    record As(Target target, String token) {
        private <S extends AbstractStub<S>> S attach(S stub) {
            S withDeadline = stub.withDeadlineAfter(30, TimeUnit.SECONDS);
            if (token == null) {
                return withDeadline;
            }
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER), token);
            return withDeadline.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }

        KVGrpc.KVBlockingStub kv() {
            return attach(KVGrpc.newBlockingStub(target.channel));
        }

        LeaseGrpc.LeaseBlockingStub lease() {
            return attach(LeaseGrpc.newBlockingStub(target.channel));
        }

        AuthGrpc.AuthBlockingStub auth() {
            return attach(AuthGrpc.newBlockingStub(target.channel));
        }

        MaintenanceGrpc.MaintenanceBlockingStub maintenance() {
            return attach(MaintenanceGrpc.newBlockingStub(target.channel));
        }

        LockGrpc.LockBlockingStub lock() {
            return attach(LockGrpc.newBlockingStub(target.channel));
        }

        ElectionGrpc.ElectionBlockingStub election() {
            return attach(ElectionGrpc.newBlockingStub(target.channel));
        }

        /** The first answer to a watch created on a new stream, with what a comparison can use. */
        String firstWatchAnswer(WatchCreateRequest create) {
            BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
            StreamObserver<WatchRequest> requests = attach(WatchGrpc.newStub(target.channel)).watch(
                    new StreamObserver<>() {
                        @Override
                        public void onNext(WatchResponse r) {
                            answers.add("created=" + r.getCreated() + " canceled=" + r.getCanceled() + " id="
                                    + r.getWatchId() + " reason=" + r.getCancelReason() + " revision="
                                    + r.getHeader().getRevision());
                        }

                        @Override
                        public void onError(Throwable t) {
                            answers.add("error " + io.grpc.Status.fromThrowable(t));
                        }

                        @Override
                        public void onCompleted() {
                            answers.add("completed");
                        }
                    });
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
            try {
                Object first = answers.poll(30, TimeUnit.SECONDS);
                return String.valueOf(first);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } finally {
                requests.onError(io.grpc.Status.CANCELLED.asRuntimeException());
            }
        }
    }

    /**
     * Makes the call on both servers as {@code user}: null sends no token, a name that has no
     * token on a server is sent as the token itself (an unknown token).
     */
    void call(String user, String what, Function<As, ? extends Message> call) {
        for (Side side : sides) {
            String token = user == null ? null : side.tokens.getOrDefault(user, user);
            side.transcript.add((user == null ? "anonymous" : user) + " " + what + " -> "
                    + Outcome.of(() -> call.apply(new As(side.target, token))));
        }
    }

    /** Creates the watch on a new stream on both servers as {@code user}, keeping the first answer. */
    void watch(String user, String what, WatchCreateRequest.Builder create) {
        for (Side side : sides) {
            String token = user == null ? null : side.tokens.getOrDefault(user, user);
            side.transcript.add(user + " " + what + " -> " + new As(side.target, token).firstWatchAnswer(create.build()));
        }
    }

    /** Authenticates on both servers, keeping each server's token for {@code user}. */
    void login(String user, String password) {
        for (Side side : sides) {
            Outcome outcome = Outcome.of(() -> new As(side.target, null).auth().authenticate(
                    AuthenticateRequest.newBuilder().setName(user).setPassword(password).build()));
            if (outcome.ok()) {
                side.tokens.put(user, ((io.etcd.jetcd.api.AuthenticateResponse) outcome.response()).getToken());
                side.transcript.add("login " + user + " -> OK");
            } else {
                side.transcript.add("login " + user + " -> " + outcome);
            }
        }
    }

    /** What etcd answered so far, one line per call. */
    List<String> etcdTranscript() {
        return List.copyOf(sides.get(0).transcript);
    }

    /** Fails, showing both, unless the servers answered the same. */
    void assertSame() {
        assertThat(String.join("\n", sides.get(1).transcript))
                .isEqualTo(String.join("\n", sides.get(0).transcript));
    }
}
