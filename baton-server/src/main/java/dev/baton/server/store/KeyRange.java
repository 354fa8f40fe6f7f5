package dev.baton.server.store;

import com.google.protobuf.ByteString;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;

/**
 * The keys a request addresses, decoded with etcd's conventions for {@code key} and
 * {@code range_end}: an empty range end means the key alone, a range end of a single zero byte
 * means every key from {@code key} on, and any other range end is the exclusive upper bound of
 * {@code [key, range_end)} in unsigned byte order (empty when it does not exceed the key).
 */
public final class KeyRange {
    /** Unsigned lexicographic order, the order of etcd's key space. */
    public static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    private final byte[] key;
    /** {@code null} for a single key, empty for "to the end", else the exclusive bound. */
    private final byte[] end;

    private KeyRange(byte[] key, byte[] end) {
        this.key = key;
        this.end = end;
    }

    public static KeyRange of(ByteString key, ByteString rangeEnd) {
        byte[] k = key.toByteArray();
        if (rangeEnd.isEmpty()) {
            return new KeyRange(k, null);
        }
        if (rangeEnd.size() == 1 && rangeEnd.byteAt(0) == 0) {
            return new KeyRange(k, new byte[0]);
        }
        return new KeyRange(k, rangeEnd.toByteArray());
    }

    public static KeyRange single(byte[] key) {
        return new KeyRange(key, null);
    }

    public boolean isSingleKey() {
        return end == null;
    }

    public byte[] key() {
        return key;
    }

    /** True when no key can fall in the range ({@code range_end <= key}). */
    public boolean isEmpty() {
        return end != null && end.length > 0 && ORDER.compare(key, end) >= 0;
    }

    public boolean contains(byte[] candidate) {
        if (end == null) {
            return Arrays.equals(key, candidate);
        }
        return ORDER.compare(candidate, key) >= 0 && (end.length == 0 || ORDER.compare(candidate, end) < 0);
    }

    /** The entries of {@code map} (ordered by {@link #ORDER}) whose keys fall in this range. */
    <V> NavigableMap<byte[], V> slice(NavigableMap<byte[], V> map) {
        if (end == null) {
            return map.subMap(key, true, key, true);
        }
        if (end.length == 0) {
            return map.tailMap(key, true);
        }
        if (isEmpty()) {
            return Collections.emptyNavigableMap();
        }
        return map.subMap(key, true, end, false);
    }

    /**
     * The exclusive upper bound of the keys in the range, {@code null} for "to the end"; a
     * single key (or an empty range, taken as its first key) ends just after it.
     */
    private byte[] upperBound() {
        if (end == null || isEmpty()) {
            return Arrays.copyOf(key, key.length + 1);
        }
        return end.length == 0 ? null : end;
    }

    /** Whether every key of {@code wanted} falls in one of {@code ranges}. */
    public static boolean covers(List<KeyRange> ranges, KeyRange wanted) {
        byte[] cursor = wanted.key;
        byte[] limit = wanted.upperBound();
        while (limit == null || ORDER.compare(cursor, limit) < 0) {
            byte[] furthest = null;
            for (KeyRange r : ranges) {
                if (r.isEmpty() || !r.contains(cursor)) {
                    continue;
                }
                byte[] bound = r.upperBound();
                if (bound == null) {
                    return true;
                }
                if (furthest == null || ORDER.compare(bound, furthest) > 0) {
                    furthest = bound;
                }
            }
            if (furthest == null) {
                return false;
            }
            cursor = furthest;
        }
        return true;
    }

    @Override
    public String toString() {
        String from = ByteString.copyFrom(key).toStringUtf8();
        if (end == null) {
            return from;
        }
        return "[" + from + ", " + (end.length == 0 ? "end" : ByteString.copyFrom(end).toStringUtf8()) + ")";
    }
}
