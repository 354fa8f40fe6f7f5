package dev.baton.chaos.history;

import java.util.Objects;

/**
 * One event a worker's keyspace cache delivered to its listener, as logged: values are kept as
 * short digests, enough to tell whether an event's old value is the previous event's new value.
 *
 * @param kind        ADDED, CHANGED, REMOVED, DECODE_FAILED or RESYNCED
 * @param key         the key; "-" for RESYNCED
 * @param modRevision the event's revision
 * @param oldDigest   digest of the old value, "-" for none
 * @param newDigest   digest of the new value, "-" for none
 */
public record CacheLine(String kind, String key, long modRevision, String oldDigest, String newDigest) {

    public static final String NONE = "-";

    public CacheLine {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(oldDigest, "oldDigest");
        Objects.requireNonNull(newDigest, "newDigest");
    }

    /** A value's digest as logged: its length and hash, "-" for null. */
    public static String digest(String value) {
        return value == null ? NONE : value.length() + ":" + Integer.toHexString(value.hashCode());
    }

    /** The log line: fields separated by single spaces (keys hold no spaces). */
    public String format() {
        return kind + " " + modRevision + " " + key + " " + oldDigest + " " + newDigest;
    }

    /**
     * Reads a line written by {@link #format()}.
     *
     * @throws IllegalArgumentException naming the line when it does not have five fields
     */
    public static CacheLine parse(String line) {
        String[] fields = line.split(" ");
        if (fields.length != 5) {
            throw new IllegalArgumentException("cache log line '" + line + "' does not have five fields");
        }
        return new CacheLine(fields[0], fields[2], Long.parseLong(fields[1]), fields[3], fields[4]);
    }

    @Override
    public String toString() {
        return format();
    }
}
