package dev.baton.lock;

import dev.baton.etcd.RecipeName;

/**
 * A lock's name and the prefix its contenders live under, {@code <name>/}, as etcd's Go
 * {@code concurrency} package and {@code etcdctl lock NAME} derive it; the name follows the rules of
 * a {@link RecipeName}.
 */
final class LockName {
    private final String name;

    private LockName(String name) {
        this.name = name;
    }

    /** Validates {@code name}; the exception names the bad value and what is wrong with it. */
    static LockName of(String name) {
        return new LockName(RecipeName.check("lock name", "contender keys", name));
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
