package dev.baton.cache;

/**
 * A value under the cache's prefix that the decoder rejected. The key stays out of the decoded
 * view until a later write of it decodes; the error is listed in
 * {@link KeyspaceCache#decodeErrors()} until then.
 *
 * @param key         the key whose value failed to decode
 * @param modRevision the revision of the write that could not be decoded
 * @param valueBytes  the length of the undecodable value
 * @param cause       what the decoder threw (or why its result was refused)
 */
public record DecodeError(String key, long modRevision, int valueBytes, Throwable cause) {

    /** A one-line description naming the key, the revision and the cause. */
    public String message() {
        return "cannot decode " + key + " at revision " + modRevision + " (" + valueBytes + " bytes): " + cause;
    }
}
