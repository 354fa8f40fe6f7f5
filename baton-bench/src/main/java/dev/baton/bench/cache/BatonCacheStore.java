package dev.baton.bench.cache;

import dev.baton.cache.CacheEvent;
import dev.baton.cache.KeyspaceCache;
import dev.baton.cache.ValueDecoder;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Operation;
import dev.baton.etcd.Operations;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** Baton's {@link KeyspaceCache} with the identity decoder, on etcd through Baton's facade. */
final class BatonCacheStore implements CachedStore {
    private static final int PUTS_PER_TXN = 128;
    private static final int TXNS_IN_FLIGHT = 16;
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(30);

    private final Etcd etcd;

    BatonCacheStore(String endpoint) {
        this.etcd = Etcd.builder().endpoints(endpoint).requestTimeout(Duration.ofSeconds(60)).build();
    }

    @Override
    public String displayName() {
        return "Baton KeyspaceCache";
    }

    /** Txns of {@value #PUTS_PER_TXN} puts, {@value #TXNS_IN_FLIGHT} in flight. */
    @Override
    public void fill(String prefix, int keys, int valueBytes) throws Exception {
        Queue<CompletableFuture<?>> inFlight = new ArrayDeque<>();
        List<Operation> batch = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            batch.add(Operations.put(prefix + CachedStore.keyName(i), CachedStore.value(i, valueBytes), 0));
            if (batch.size() == PUTS_PER_TXN || i == keys - 1) {
                if (inFlight.size() >= TXNS_IN_FLIGHT) {
                    inFlight.remove().get();
                }
                inFlight.add(etcd.txn(List.of(), List.copyOf(batch), List.of()));
                batch.clear();
            }
        }
        while (!inFlight.isEmpty()) {
            inFlight.remove().get();
        }
    }

    /** The listener first receives the load as ADDED events and a RESYNCED marker; only what follows is a change. */
    @Override
    public OpenCache open(String prefix, Runnable onChange) {
        AtomicBoolean loaded = new AtomicBoolean();
        KeyspaceCache<byte[]> cache = KeyspaceCache.builder(etcd, prefix, ValueDecoder.bytes())
                .startTimeout(LOAD_TIMEOUT)
                .listener(event -> {
                    if (event.kind() == CacheEvent.Kind.RESYNCED) {
                        loaded.set(true);
                    } else if (loaded.get()) {
                        onChange.run();
                    }
                })
                .start();
        return new OpenCache() {
            @Override
            public int size() {
                return cache.snapshot().size();
            }

            @Override
            public void close() {
                cache.close();
            }
        };
    }

    @Override
    public void put(String prefix, String key, byte[] value) throws Exception {
        etcd.put(prefix + key, value, 0).get();
    }

    @Override
    public void close() {
        etcd.close();
    }
}
