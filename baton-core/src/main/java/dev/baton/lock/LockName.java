package dev.baton.lock;

import java.nio.charset.StandardCharsets;

/**
 * A lock's name and the prefix its contenders live under, {@code <name>/}, as etcd's Go
 * {@code concurrency} package and {@code etcdctl lock NAME} derive it. The name must not be blank,
 * must not end in {@code /} (the slash is added here, as Go adds it), and must hold no control
 * characters, so every key is exactly what the caller wrote.
 */
final class LockName {
    /** Longest name accepted, in UTF-8 bytes; keeps each request far below etcd's request limit. */
    static final int MAX_BYTES = 4096;

    private final String name;

    private LockName(String name) {
        this.name = name;
    }

    /** Validates {@code name}; the exception names the bad value and what is wrong with it. */
    static LockName of(String name) {
        if (name == null) {
            throw new IllegalArgumentException("lock name must not be null");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("lock name must not be empty or blank, got \"" + name + "\"");
        }
        if (name.endsWith("/")) {
            throw new IllegalArgumentException("lock name must not end in '/' (contender keys add it), got \"" + name + "\"");
        }
        int control = name.codePoints().filter(Character::isISOControl).findFirst().orElse(-1);
        if (control >= 0) {
            throw new IllegalArgumentException("lock name must not contain control characters, got \""
                    + name.replaceAll("\\p{Cntrl}", "?") + "\" (U+" + String.format("%04X", control) + ")");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException("lock name is " + bytes + " bytes in UTF-8, over the limit of " + MAX_BYTES
                    + ": \"" + name.substring(0, 40) + "...\"");
        }
        return new LockName(name);
    }

    /** The name, as given. */
    String name() {
        return name;
    }

    /** {@code <name>/}: the range holding every contender. */
    String contenders() {
        return name + "/";
    }

    @Override
    public String toString() {
        return name;
    }
}
