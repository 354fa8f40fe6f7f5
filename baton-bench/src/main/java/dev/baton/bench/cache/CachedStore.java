package dev.baton.bench.cache;

import java.util.Arrays;
import java.util.Locale;

/**
 * A store and the cache its users would put in front of it (Baton's keyspace cache on etcd,
 * Curator's CuratorCache on ZooKeeper), reduced to what the cache scenario measures.
 */
interface CachedStore extends AutoCloseable {
    /** What the tables call the cache. */
    String displayName();

    /** Writes {@code keys} keys under {@code prefix} (see {@link #keyName}) with {@code valueBytes}-byte values. */
    void fill(String prefix, int keys, int valueBytes) throws Exception;

    /**
     * Starts a cache of {@code prefix} and returns once it holds everything there.
     * {@code onChange} runs in the cache's own callback for every key added or changed afterwards.
     */
    OpenCache open(String prefix, Runnable onChange) throws Exception;

    /**
     * Writes {@code value} to the existing {@code key} under {@code prefix}; returns when the store
     * acknowledged it.
     */
    void put(String prefix, String key, byte[] value) throws Exception;

    @Override
    void close();

    /** A started cache. */
    interface OpenCache extends AutoCloseable {
        /** The keys it holds. */
        int size();

        @Override
        void close();
    }

    /** The name of the {@code i}-th key: fixed width, so every store sorts and sizes it the same. */
    static String keyName(int i) {
        return String.format(Locale.ROOT, "k%07d", i);
    }

    /** The value of the {@code i}-th key: {@code valueBytes} bytes of one letter. */
    static byte[] value(int i, int valueBytes) {
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) ('a' + i % 26));
        return value;
    }
}
