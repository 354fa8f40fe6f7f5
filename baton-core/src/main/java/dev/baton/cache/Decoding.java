package dev.baton.cache;

import dev.baton.etcd.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How a cache turns what etcd stores into {@link Slot}s: keys lose the cache's prefix (every key
 * shares it, so storing it once saves its length per key) and values go through the decoder, whose
 * failures become {@link Undecodable} values instead of exceptions.
 */
final class Decoding<T> {
    private final String prefix;
    private final byte[] prefixBytes;
    private final ValueDecoder<T> decoder;

    Decoding(String prefix, ValueDecoder<T> decoder) {
        this.prefix = prefix;
        this.prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
        this.decoder = decoder;
    }

    String prefix() {
        return prefix;
    }

    /** The bytes of {@code key} after the prefix. */
    byte[] suffix(String key) {
        if (!key.startsWith(prefix)) {
            throw new IllegalArgumentException("key '" + key + "' is outside the cache's prefix '" + prefix + "'");
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOfRange(bytes, prefixBytes.length, bytes.length);
    }

    String key(byte[] suffix) {
        return prefix + new String(suffix, StandardCharsets.UTF_8);
    }

    Slot slot(KeyValue kv) {
        Object value;
        try {
            T decoded = decoder.decode(kv.key(), kv.value());
            value = decoded != null ? decoded
                    : undecodable(kv, new IllegalArgumentException("the decoder returned null"));
        } catch (Exception e) {
            value = undecodable(kv, e);
        }
        return new Slot(value, kv.createRevision(), kv.modRevision(), kv.version(), kv.lease());
    }

    private static Undecodable undecodable(KeyValue kv, Exception cause) {
        return new Undecodable(new DecodeError(kv.key(), kv.modRevision(), kv.value().length, cause));
    }

    CacheEntry<T> entry(byte[] suffix, Slot slot) {
        return new CacheEntry<>(key(suffix), slot.decoded(), slot.createRevision(), slot.modRevision(), slot.version(),
                slot.lease());
    }
}
