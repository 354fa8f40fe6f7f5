package dev.baton.server;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/** What the Lock and Election services share: their sessions, errors and replies. */
final class RecipeCalls {
    /** The TTL etcd's concurrency sessions grant a lease with when the request names none. */
    static final long DEFAULT_SESSION_TTL_SECONDS = 60;

    private RecipeCalls() {
    }

    /**
     * The lease of the session etcd's server-side recipes open for a request: the one given, or
     * for 0 a new lease with the 60 s TTL of etcd's sessions, kept alive by nobody (etcd orphans
     * the session at once).
     */
    static CompletableFuture<Long> sessionLease(SelfClient client, long lease) {
        return lease != 0 ? CompletableFuture.completedFuture(lease)
                : client.grant(DEFAULT_SESSION_TTL_SECONDS).thenApply(granted -> granted.getID());
    }

    /** {@code name + "/"}, the prefix etcd's mutexes and elections keep their keys under. */
    static ByteString prefix(ByteString name) {
        return name.concat(ByteString.copyFromUtf8("/"));
    }

    /** An error of etcd's client-side recipes, which etcd's server answers as UNKNOWN with its text. */
    static StatusRuntimeException recipeError(String message) {
        return Status.UNKNOWN.withDescription(message).asRuntimeException();
    }

    static boolean isCancellation(Throwable failure) {
        return unwrap(failure) instanceof CancellationException;
    }

    /**
     * The status a failed recipe answers with. etcd's recipes run on an in-process client whose
     * errors lose their gRPC code on the way out, so etcd answers UNKNOWN with the error's text
     * whatever failed (a missing lease included); so does this.
     */
    static Status status(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof StatusRuntimeException e) {
            return Status.UNKNOWN.withDescription(e.getStatus().getDescription());
        }
        return Replies.status(cause);
    }

    /** The gRPC status of a failed call of the server's own API, as the call answered it. */
    static Status grpcStatus(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause instanceof StatusRuntimeException e ? e.getStatus() : Replies.status(cause);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Answers with {@code result}'s value, or its failure's status unless the client is gone. */
    static <R> void reply(CompletableFuture<R> result, StreamObserver<R> responses, Cancellation cancellation) {
        result.whenComplete((value, failure) -> {
            if (cancellation.isCancelled()) {
                return;
            }
            if (failure != null) {
                responses.onError(status(failure).asRuntimeException());
            } else {
                responses.onNext(value);
                responses.onCompleted();
            }
        });
    }

    /** {@code future}, with {@code fallback} run on its failure before the failure is passed on. */
    static <T> CompletableFuture<T> onFailure(CompletableFuture<T> future, Function<Throwable, CompletableFuture<?>> fallback) {
        return future.handle((value, failure) -> failure == null ? CompletableFuture.completedFuture(value)
                : fallback.apply(failure).handle((ignored, alsoFailed) -> CompletableFuture.<T>failedFuture(failure))
                        .thenCompose(Function.identity()))
                .thenCompose(Function.identity());
    }
}
