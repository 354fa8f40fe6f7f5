package dev.baton.election;

import dev.baton.etcd.RecipeName;

/**
 * An election's name and the keys derived from it, in the layout of etcd's Go {@code concurrency}
 * package: candidates live under {@code <prefix>/}, each at {@code <prefix>/<lease-hex>}.
 *
 * <p>The prefix is the election name exactly as {@code etcdctl elect NAME} takes it, checked by the
 * rules of a {@link RecipeName}.
 */
final class ElectionPrefix {
    private final String name;

    private ElectionPrefix(String name) {
        this.name = name;
    }

    /** Validates {@code name}; the exception names the bad value and what is wrong with it. */
    static ElectionPrefix of(String name) {
        return new ElectionPrefix(RecipeName.check("election prefix", "candidate keys", name));
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

    @Override
    public String toString() {
        return name;
    }
}
