package dev.baton.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * The user data of a task: one JSON object, stored in its compact encoding of at most
 * {@value #MAX_ENCODED_BYTES} bytes (UTF-8). Input text longer than that is refused before it
 * is parsed. Numbers keep their exact decimal value. Instances are immutable; {@link #tree()}
 * hands out a copy.
 */
public final class TaskProperties {

    /** The largest stored encoding, in UTF-8 bytes: 64 KiB. */
    public static final int MAX_ENCODED_BYTES = 64 * 1024;

    private static final String SUBJECT = "task properties";
    private static final TaskProperties EMPTY = new TaskProperties(JsonCodec.newObject(), "{}");

    private final ObjectNode tree;
    private final String json;

    private TaskProperties(ObjectNode tree, String json) {
        this.tree = tree;
        this.json = json;
    }

    /** The empty object {@code {}}. */
    public static TaskProperties empty() {
        return EMPTY;
    }

    /** Parses a JSON object, refusing anything else and anything too large. */
    public static TaskProperties parse(String json) {
        return checked(JsonCodec.write(JsonCodec.readObject(SUBJECT, json, MAX_ENCODED_BYTES)));
    }

    /**
     * Properties holding what {@code tree} reads back as once stored (numbers as exact decimals,
     * binary data as base64 text), refused when its encoding is too large, nested too deep, or
     * not storable exactly (NaN, infinities, unpaired surrogates).
     */
    public static TaskProperties of(ObjectNode tree) {
        return checked(JsonCodec.writeInput(SUBJECT, Objects.requireNonNull(tree, "tree")));
    }

    /**
     * Properties as a stored record holds them: {@code parsed} is what the store's text parsed to,
     * so it is kept as it is and written once, instead of taking it through the store's encoding
     * again as {@link #of} does. Records Baton wrote are in that encoding already, so both give
     * equal properties; this is the decoding path every member takes for every task it sees.
     */
    static TaskProperties read(ObjectNode parsed) {
        String json = JsonCodec.write(parsed);
        JsonCodec.requireEncodedAtMost(SUBJECT, json, MAX_ENCODED_BYTES);
        return parsed.isEmpty() ? EMPTY : new TaskProperties(parsed, json);
    }

    /**
     * The tree kept is the one the stored encoding reads back as, so properties compare equal to
     * themselves after a trip through the store ({@code 1.0} is stored as {@code 1}, a double as
     * its decimal).
     */
    private static TaskProperties checked(String json) {
        String stored = JsonCodec.stable(SUBJECT, json, MAX_ENCODED_BYTES);
        ObjectNode tree = JsonCodec.readObject(SUBJECT, stored, MAX_ENCODED_BYTES);
        return tree.isEmpty() ? EMPTY : new TaskProperties(tree, stored);
    }

    /** The compact JSON encoding, as stored. */
    public String json() {
        return json;
    }

    /** A copy of the object. */
    public ObjectNode tree() {
        return tree.deepCopy();
    }

    /** The object itself, to be written into a record and never changed: saves a copy on every write. */
    ObjectNode treeToWrite() {
        return tree;
    }

    /** Properties are equal when their objects hold the same fields and values, in any order. */
    @Override
    public boolean equals(Object other) {
        return other instanceof TaskProperties that && tree.equals(that.tree);
    }

    @Override
    public int hashCode() {
        return tree.hashCode();
    }

    @Override
    public String toString() {
        return json;
    }
}
