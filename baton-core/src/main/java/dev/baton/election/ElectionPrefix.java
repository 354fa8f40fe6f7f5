package dev.baton.election;

import java.nio.charset.StandardCharsets;

/**
 * An election's name and the keys derived from it, in the layout of etcd's Go {@code concurrency}
 * package: candidates live under {@code <prefix>/}, each at {@code <prefix>/<lease-hex>}.
 *
 * <p>The prefix is the election name exactly as {@code etcdctl elect NAME} takes it. It must not end
 * in {@code /} (the slash is added here, as Go adds it), must hold no control characters, and must
 * be valid Unicode so its UTF-8 form, and with it every key, is exactly what the caller wrote.
 */
final class ElectionPrefix {
    /** Longest prefix accepted, in UTF-8 bytes; keeps a candidate txn far below etcd's request limit. */
    static final int MAX_BYTES = 4096;

    private final String name;

    private ElectionPrefix(String name) {
        this.name = name;
    }

    /** Validates {@code name}; the exception names the bad value and what is wrong with it. */
    static ElectionPrefix of(String name) {
        if (name == null) {
            throw new IllegalArgumentException("election prefix must not be null");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("election prefix must not be blank, got \"" + name + "\"");
        }
        if (!name.strip().equals(name)) {
            throw new IllegalArgumentException("election prefix must not start or end with whitespace, got \"" + name + "\"");
        }
        if (name.endsWith("/")) {
            throw new IllegalArgumentException("election prefix must not end in '/' (candidate keys add it), got \""
                    + name + "\"");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException("election prefix must not contain control characters, got \""
                        + escape(name) + "\" (U+" + String.format("%04X", (int) c) + " at index " + i + ")");
            }
            if (Character.isSurrogate(c) && !isPairedSurrogate(name, i)) {
                throw new IllegalArgumentException("election prefix is not valid Unicode: unpaired surrogate U+"
                        + String.format("%04X", (int) c) + " at index " + i + " in \"" + escape(name) + "\"");
            }
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException("election prefix is " + bytes + " bytes in UTF-8, over the limit of "
                    + MAX_BYTES + ": \"" + name.substring(0, 40) + "...\"");
        }
        return new ElectionPrefix(name);
    }

    /** The election name, as given. */
    String name() {
        return name;
    }

    /** {@code <prefix>/}: the range holding every candidate. */
    String candidates() {
        return name + "/";
    }

    /**
     * {@code <prefix>/<lease-hex>}, as Go formats it with {@code %x}. etcd lease ids are positive,
     * so the unsigned hex of Java and the signed hex of Go agree.
     */
    String candidateKey(long lease) {
        return candidates() + Long.toHexString(lease);
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

    @Override
    public String toString() {
        return name;
    }
}
