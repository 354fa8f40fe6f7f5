package dev.baton.cache;

import java.nio.charset.StandardCharsets;

/**
 * Turns a stored value into the cache's value type. Runs on Baton's callback executor for every
 * write the cache sees, so it should be quick and must not block. Anything it throws, and a null
 * result, makes the key a {@link DecodeError} instead of failing the cache.
 *
 * @param <T> the decoded value type
 */
@FunctionalInterface
public interface ValueDecoder<T> {

    T decode(String key, byte[] value) throws Exception;

    /** The raw bytes, as stored. */
    static ValueDecoder<byte[]> bytes() {
        return (key, value) -> value;
    }

    /** The value as UTF-8 text. */
    static ValueDecoder<String> utf8() {
        return (key, value) -> new String(value, StandardCharsets.UTF_8);
    }
}
