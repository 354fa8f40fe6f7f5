package dev.baton.cache;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The decoded view of a cache at one revision, in key order (etcd's byte order). Immutable: it
 * shares structure with the live cache, so taking one costs nothing and holding one keeps only the
 * entries changed since alive.
 *
 * @param <T> the decoded value type
 */
public final class CacheSnapshot<T> implements Iterable<CacheEntry<T>> {
    private final CacheContents contents;
    private final Decoding<T> decoding;

    CacheSnapshot(CacheContents contents, Decoding<T> decoding) {
        this.contents = contents;
        this.decoding = decoding;
    }

    /** The store revision this view is exact at. */
    public long revision() {
        return contents.revision();
    }

    /** Number of keys in the view (keys whose value failed to decode are not counted). */
    public int size() {
        return contents.decodedSize();
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** The entry under {@code key}; empty when absent or undecodable. Fails for a key outside the prefix. */
    public Optional<CacheEntry<T>> get(String key) {
        byte[] suffix = decoding.suffix(key);
        Slot slot = contents.entries().get(suffix);
        return slot == null || slot.error() != null ? Optional.empty() : Optional.of(decoding.entry(suffix, slot));
    }

    /** Every entry, in key order. */
    @Override
    public Iterator<CacheEntry<T>> iterator() {
        return stream().iterator();
    }

    /** Every entry, in key order. */
    public Stream<CacheEntry<T>> stream() {
        return entries(null, null);
    }

    /**
     * The entries whose key starts with {@code keyPrefix}, in key order. A {@code keyPrefix} that the
     * cache's prefix itself starts with selects everything; one that neither extends nor contains
     * the cache's prefix is an error.
     */
    public Stream<CacheEntry<T>> stream(String keyPrefix) {
        if (decoding.prefix().startsWith(keyPrefix)) {
            return stream();
        }
        byte[] from = decoding.suffix(keyPrefix);
        return entries(from, from);
    }

    /** The keys under the prefix whose current value failed to decode, in key order. */
    public Map<String, DecodeError> decodeErrors() {
        Map<String, DecodeError> errors = new LinkedHashMap<>();
        contents.errors().iterator(null).forEachRemaining(entry -> errors.put(decoding.key(entry.key()), entry.slot().error()));
        return Collections.unmodifiableMap(errors);
    }

    private Stream<CacheEntry<T>> entries(byte[] from, byte[] requiredPrefix) {
        Iterator<EntryTree.TreeEntry> raw = contents.entries().iterator(from);
        Stream<EntryTree.TreeEntry> stream = StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(raw, Spliterator.ORDERED | Spliterator.NONNULL), false);
        if (requiredPrefix != null) {
            stream = stream.takeWhile(entry -> startsWith(entry.key(), requiredPrefix));
        }
        return stream.filter(entry -> entry.slot().error() == null).map(entry -> decoding.entry(entry.key(), entry.slot()));
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public String toString() {
        return "CacheSnapshot[" + decoding.prefix() + " at " + revision() + ", " + size() + " keys]";
    }
}
