package dev.baton.tasks;

import java.util.Objects;

/**
 * The name of a task, unique within a deployment and used verbatim as a key segment.
 *
 * <p>Rules, checked on construction: not empty; no {@code '/'} (the key separator, so task
 * {@code a} never shares a prefix with a key of task {@code a/b}); no control characters
 * (they make keys unreadable in listings and logs); well-formed UTF-16 (an unpaired surrogate
 * has no UTF-8 form, so two such ids could collide in the store); no U+FFFD (what a stored key
 * that is not UTF-8 reads back with, so such a key could pass for another id); at most
 * {@value #MAX_UTF8_BYTES} bytes in UTF-8, which keeps every key of a task, with its prefix,
 * far below the store's limits. Member ids follow the same rules. A violation throws
 * {@link TaskFormatException} naming the id and the rule.
 *
 * @param value the id as given
 */
public record TaskId(String value) implements Comparable<TaskId> {

    /** The longest id, in UTF-8 bytes: 128 ASCII characters. */
    public static final int MAX_UTF8_BYTES = KeySegment.MAX_UTF8_BYTES;

    private static final String SUBJECT = "task id";

    public TaskId {
        Objects.requireNonNull(value, "task id is null");
        KeySegment.check(SUBJECT, value);
    }

    /** The id {@code value}, validated. */
    public static TaskId of(String value) {
        return new TaskId(value);
    }

    /** Ids order by their string value. */
    @Override
    public int compareTo(TaskId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
