package dev.baton.etcd;

import java.nio.charset.StandardCharsets;

/**
 * The name of a recipe instance whose keys live under {@code <name>/}: an election, a lock. The
 * rules are those of etcd's Go {@code concurrency} package and {@code etcdctl}, which add the slash
 * themselves: the name must not be blank, start or end with whitespace, end in {@code /}, hold
 * control characters, or be invalid Unicode, so its UTF-8 form, and with it every key, is exactly
 * what the caller wrote; and it is at most {@link #MAX_BYTES}, so every request stays far below
 * etcd's request limit.
 */
public final class RecipeName {
    /** Longest name accepted, in UTF-8 bytes. */
    public static final int MAX_BYTES = 4096;

    private RecipeName() {
    }

    /**
     * Returns {@code name} when it follows the rules; otherwise fails with an
     * {@link IllegalArgumentException} that starts with {@code what} (e.g. "lock name"), names the
     * bad value and says what is wrong. {@code keys} names the keys that add the slash, for the
     * message.
     */
    public static String check(String what, String keys, String name) {
        if (name == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank, got \"" + name + "\"");
        }
        if (!name.strip().equals(name)) {
            throw new IllegalArgumentException(what + " must not start or end with whitespace, got \"" + name + "\"");
        }
        if (name.endsWith("/")) {
            throw new IllegalArgumentException(what + " must not end in '/' (" + keys + " add it), got \"" + name + "\"");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException(what + " must not contain control characters, got \""
                        + escape(name) + "\" (U+" + String.format("%04X", (int) c) + " at index " + i + ")");
            }
            if (Character.isSurrogate(c) && !isPairedSurrogate(name, i)) {
                throw new IllegalArgumentException(what + " is not valid Unicode: unpaired surrogate U+"
                        + String.format("%04X", (int) c) + " at index " + i + " in \"" + escape(name) + "\"");
            }
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException(what + " is " + bytes + " bytes in UTF-8, over the limit of "
                    + MAX_BYTES + ": \"" + name.substring(0, 40) + "...\"");
        }
        return name;
    }

    private static boolean isPairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
