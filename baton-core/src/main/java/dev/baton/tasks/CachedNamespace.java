package dev.baton.tasks;

import dev.baton.cache.CacheEntry;
import dev.baton.cache.CacheEvent;
import dev.baton.cache.KeyspaceCache;
import dev.baton.cache.ValueDecoder;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.WatchEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link NamespaceFeed} read through a {@link KeyspaceCache} of the raw values (the task table
 * decodes them itself, so a corrupt record stays visible with its problem instead of leaving the
 * view). The cache delivers on the member's control thread. Its events carry values but not the
 * metadata the member needs (create revision = claim token, lease), so each is turned into the
 * key's current entry in the cache: when that is newer than the event, a later event of the same
 * key follows, and the table ends in the same state.
 */
final class CachedNamespace implements NamespaceFeed {

    private final KeyspaceCache.Builder<byte[]> builder;
    private final Duration startTimeout;
    private KeyspaceCache<byte[]> cache;

    CachedNamespace(Etcd etcd, String namespace, ScheduledExecutorService control, Duration startTimeout) {
        this.builder = KeyspaceCache.builder(etcd, namespace, ValueDecoder.bytes())
                .listenerExecutor(control).scheduler(control).startTimeout(startTimeout);
        this.startTimeout = startTimeout;
    }

    @Override
    public void start(Listener listener) {
        CompletableFuture<Void> delivered = new CompletableFuture<>();
        cache = builder.start();
        cache.addListener(event -> deliver(event, listener, delivered));
        try {
            delivered.get(startTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            cache.close();
            throw new IllegalStateException("the contents of " + cache.prefix() + " were not delivered within "
                    + startTimeout, e);
        } catch (InterruptedException e) {
            cache.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + cache.prefix(), e);
        }
    }

    private void deliver(CacheEvent<byte[]> event, Listener listener, CompletableFuture<Void> delivered) {
        switch (event.kind()) {
            case ADDED, CHANGED -> {
                Optional<CacheEntry<byte[]>> current = cache.get(event.key());
                listener.onEvents(List.of(current.map(CachedNamespace::put)
                        .orElseGet(() -> delete(event.key(), event.modRevision()))));
            }
            case REMOVED, DECODE_FAILED -> listener.onEvents(List.of(delete(event.key(), event.modRevision())));
            case RESYNCED -> {
                listener.onProgress(event.modRevision());
                delivered.complete(null);
            }
        }
    }

    private static WatchEvent put(CacheEntry<byte[]> entry) {
        return new WatchEvent(WatchEvent.Type.PUT, new KeyValue(entry.key(), entry.value(), entry.createRevision(),
                entry.modRevision(), entry.version(), entry.lease()), null);
    }

    private static WatchEvent delete(String key, long revision) {
        return new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(key, new byte[0], 0, revision, 0, 0), null);
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.close();
        }
    }
}
