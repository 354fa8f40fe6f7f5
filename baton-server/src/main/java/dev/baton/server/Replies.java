package dev.baton.server;

import dev.baton.server.store.EtcdError;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/** Completion of unary calls, with failures mapped to the gRPC statuses etcd uses. */
final class Replies {
    private Replies() {
    }

    /** Answers with what {@code work} returns, or with the status of what it throws. */
    static <T> void now(StreamObserver<T> observer, Supplier<T> work) {
        T value;
        try {
            value = work.get();
        } catch (RuntimeException e) {
            observer.onError(status(e).asRuntimeException());
            return;
        }
        observer.onNext(value);
        observer.onCompleted();
    }

    /** A completion handler answering with {@code finish(value)} or the failure's status. */
    static <R, T> BiConsumer<R, Throwable> later(StreamObserver<T> observer, Function<R, T> finish) {
        return (value, failure) -> {
            if (failure != null) {
                observer.onError(status(failure).asRuntimeException());
                return;
            }
            observer.onNext(finish.apply(value));
            observer.onCompleted();
        };
    }

    static Status status(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof EtcdError etcd) {
            return etcd.toStatus();
        }
        if (cause instanceof StoreUnavailableException) {
            return Status.UNAVAILABLE.withDescription("baton: " + cause.getMessage());
        }
        return Status.INTERNAL.withDescription("baton: " + cause).withCause(cause);
    }
}
