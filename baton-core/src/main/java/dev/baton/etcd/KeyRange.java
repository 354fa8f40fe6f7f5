package dev.baton.etcd;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A key or a prefix of keys.
 *
 * <p>Prefixes that stand for a directory of keys end in {@code /} (rule 8 of {@code docs/architecture.md}), so the prefix of
 * task {@code a} never matches task {@code ab}; {@link #prefix(String)} does not add the slash
 * itself because etcd's own election layout uses prefixes both ways.
 */
public final class KeyRange {
    private final String key;
    private final boolean prefix;

    private KeyRange(String key, boolean prefix) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty, got " + (key == null ? "null" : "\"\""));
        }
        this.key = key;
        this.prefix = prefix;
    }

    /** Exactly one key. */
    public static KeyRange key(String key) {
        return new KeyRange(key, false);
    }

    /** Every key that starts with {@code prefix}. */
    public static KeyRange prefix(String prefix) {
        return new KeyRange(prefix, true);
    }

    public String key() {
        return key;
    }

    public boolean isPrefix() {
        return prefix;
    }

    /** True when {@code candidate} falls inside this range. */
    public boolean contains(String candidate) {
        return prefix ? candidate.startsWith(key) : candidate.equals(key);
    }

    ByteSequence startBytes() {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }

    /** The exclusive end of a prefix range, as etcd computes it: the prefix with its last byte incremented. */
    ByteSequence endBytes() {
        byte[] end = key.getBytes(StandardCharsets.UTF_8);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteSequence.from(Arrays.copyOf(end, i + 1));
            }
        }
        return ByteSequence.from(new byte[] {0});
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyRange other && key.equals(other.key) && prefix == other.prefix;
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 2 + (prefix ? 1 : 0);
    }

    @Override
    public String toString() {
        return prefix ? key + "*" : key;
    }
}
