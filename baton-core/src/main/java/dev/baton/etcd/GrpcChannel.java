package dev.baton.etcd;

import io.etcd.jetcd.Client;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC channel under jetcd's client, watched for its connectivity state so that reconnecting
 * does not depend on how many outages came before, and so that an outage is told in two log lines.
 *
 * <p>gRPC waits longer and longer between connection attempts while they fail (about 1 s, growing
 * by 1.6 each time, up to 2 min) and forgets that history only once a connection is ready. After a
 * few back-to-back outages the store can be back for many seconds before the channel tries again,
 * and every session on it waits that long. So whenever the channel is in
 * {@code TRANSIENT_FAILURE}, its connect backoff is reset after {@link #RECONNECT_PERIOD_MILLIS}:
 * it tries again at once. An attempt against a stopped local process is refused at once; one
 * against an unreachable host takes up to the connect timeout, so attempts never pile up.
 *
 * <p>Each time the connection is back, the future {@link #nextReconnect()} gave completes, so that a
 * retry waiting out its backoff (a session granting a lease, a keep-alive) goes at once.
 *
 * <p>jetcd 0.8 neither exposes its channel nor lets a caller build it; its client keeps it in a
 * private connection manager, read here once by reflection. When that fails (another jetcd
 * layout, a module that is not open) the connection works as before, with gRPC's own backoff, and
 * one warning says so.
 */
final class GrpcChannel {
    private static final Logger LOG = LoggerFactory.getLogger(GrpcChannel.class);
    /** How long a failed channel waits before trying to connect again. */
    static final long RECONNECT_PERIOD_MILLIS = 200;

    private final ManagedChannel channel;
    private final String endpoints;
    private final ScheduledExecutorService scheduler;
    private final Executor callbacks;
    private final AtomicBoolean reconnecting = new AtomicBoolean();
    /** Completed, and replaced, each time the connection is back after failing. */
    private volatile CompletableFuture<Void> reconnect = new CompletableFuture<>();
    // Written by the channel's state callbacks, which gRPC runs one at a time.
    private long downSinceNanos;
    private boolean down;

    private GrpcChannel(ManagedChannel channel, String endpoints, ScheduledExecutorService scheduler,
                        Executor callbacks) {
        this.channel = channel;
        this.endpoints = endpoints;
        this.scheduler = scheduler;
        this.callbacks = callbacks;
    }

    /**
     * Starts watching the channel of {@code client}; empty when it cannot be reached, in which case
     * a warning was logged. The futures of {@link #nextReconnect()} complete on {@code callbacks}.
     */
    static Optional<GrpcChannel> watch(Client client, String endpoints, ScheduledExecutorService scheduler,
                                       Executor callbacks) {
        ManagedChannel channel;
        try {
            Field managerField = client.getClass().getDeclaredField("connectionManager");
            managerField.setAccessible(true);
            Object manager = managerField.get(client);
            Method getChannel = manager.getClass().getDeclaredMethod("getChannel");
            getChannel.setAccessible(true);
            channel = (ManagedChannel) getChannel.invoke(manager);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot reach jetcd's gRPC channel to {} ({}); reconnecting after outages follows gRPC's "
                    + "growing backoff", endpoints, e.toString());
            return Optional.empty();
        }
        GrpcChannel watched = new GrpcChannel(channel, endpoints, scheduler, callbacks);
        watched.onState(channel.getState(false));
        return Optional.of(watched);
    }

    private void onState(ConnectivityState state) {
        if (state == ConnectivityState.SHUTDOWN) {
            return;
        }
        if (state == ConnectivityState.READY && down) {
            down = false;
            LOG.info("connection to etcd at {} is back after {} ms", endpoints,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - downSinceNanos));
            tellReconnect();
        } else if (state == ConnectivityState.TRANSIENT_FAILURE) {
            if (!down) {
                down = true;
                downSinceNanos = System.nanoTime();
                LOG.info("connection to etcd at {} failed; trying again every {} ms until it is back", endpoints,
                        RECONNECT_PERIOD_MILLIS);
            }
            scheduleReconnect();
        }
        channel.notifyWhenStateChanged(state, () -> onState(channel.getState(false)));
    }

    /**
     * A future that completes, on the callback executor, the next time the connection is back after
     * failing. Taken before a request, it also tells of an outage that began and ended while the
     * request was under way. One future serves every caller until then: callers must not complete it.
     */
    CompletableFuture<Void> nextReconnect() {
        return reconnect;
    }

    private void tellReconnect() {
        CompletableFuture<Void> back = reconnect;
        reconnect = new CompletableFuture<>();
        try {
            callbacks.execute(() -> back.complete(null));
        } catch (RejectedExecutionException e) {
            // The connection is closing; nobody waits for it to come back.
        }
    }

    /**
     * While the channel stays in {@code TRANSIENT_FAILURE} (the state is sticky: it does not change
     * between attempts) its backoff is reset every period; one such loop runs at a time.
     */
    private void scheduleReconnect() {
        if (reconnecting.compareAndSet(false, true)) {
            reconnectLater();
        }
    }

    private void reconnectLater() {
        try {
            scheduler.schedule(() -> {
                if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
                    channel.resetConnectBackoff();
                    reconnectLater();
                } else {
                    reconnecting.set(false);
                }
            }, RECONNECT_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The connection is closing; there is nothing to reconnect.
            reconnecting.set(false);
        }
    }
}
