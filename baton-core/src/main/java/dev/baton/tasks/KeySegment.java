package dev.baton.tasks;

/**
 * The rules for a name used verbatim as one segment of a key, shared by task ids and member
 * ids: not empty; no {@code '/'} (the key separator, so {@code a} never shares a prefix with a
 * key of {@code a/b}); no control characters (they make keys unreadable in listings and logs);
 * well-formed UTF-16 (an unpaired surrogate has no UTF-8 form, so two such names could collide
 * in the store); no U+FFFD (a stored key whose bytes are not UTF-8 reads back with it, so such a
 * key could pass for another name); at most {@value #MAX_UTF8_BYTES} bytes of UTF-8.
 */
final class KeySegment {

    /** The longest segment, in UTF-8 bytes: 128 ASCII characters. */
    static final int MAX_UTF8_BYTES = 128;
    /** What a key's bytes that are not UTF-8 decode to, so a name holding it could be another key's. */
    private static final char REPLACEMENT_CHARACTER = '\ufffd';

    private KeySegment() {
    }

    /**
     * Returns {@code value} when it follows the rules, else throws a {@link TaskFormatException}
     * about {@code subject} naming the value and the rule.
     */
    static String check(String subject, String value) {
        if (value.isEmpty()) {
            throw new TaskFormatException(subject, value, "must not be empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/') {
                throw new TaskFormatException(subject, value, "must not contain '/' (at index " + i + ")");
            }
            if (c == REPLACEMENT_CHARACTER) {
                throw new TaskFormatException(subject, value, "must not contain U+FFFD (at index " + i
                        + "), which stands for bytes that are not UTF-8 when a key is read back");
            }
            if (Character.isISOControl(c)) {
                throw new TaskFormatException(subject, value,
                        String.format("must not contain control character U+%04X (at index %d)", (int) c, i));
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new TaskFormatException(subject, value,
                        String.format("must be well-formed UTF-16, has an unpaired surrogate U+%04X (at index %d)",
                                (int) c, i));
            }
        }
        int bytes = JsonCodec.utf8Length(value);
        if (bytes > MAX_UTF8_BYTES) {
            throw new TaskFormatException(subject, value,
                    "must be at most " + MAX_UTF8_BYTES + " bytes of UTF-8, is " + bytes);
        }
        return value;
    }
}
