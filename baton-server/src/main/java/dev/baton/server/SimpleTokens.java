package dev.baton.server;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * etcd's simple tokens: {@code Authenticate} hands out a random token naming its user, valid
 * until it has not been used for the token TTL (etcd's {@code --auth-token-ttl}, 300 s by
 * default); each use renews it. Tokens live in memory only, as etcd's simple tokens do: after a
 * restart clients authenticate again. A user's tokens end when the user is deleted or their
 * password changes, every token when auth is disabled.
 */
final class SimpleTokens {
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final int RANDOM_LETTERS = 16;

    private record Grant(String user, long deadlineNanos) {
    }

    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong issued = new AtomicLong();
    private final long ttlNanos;
    private final LongSupplier nanoClock;

    SimpleTokens(Duration ttl, LongSupplier nanoClock) {
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * A new token for {@code user}: {@code <16 random letters>.<sequence number>}, as etcd shapes
     * them. Expired tokens that were never used again are forgotten here.
     */
    String assign(String user) {
        long now = nanoClock.getAsLong();
        grants.values().removeIf(grant -> now - grant.deadlineNanos() >= 0);
        StringBuilder token = new StringBuilder(RANDOM_LETTERS + 8);
        for (int i = 0; i < RANDOM_LETTERS; i++) {
            token.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
        }
        token.append('.').append(issued.incrementAndGet());
        grants.put(token.toString(), new Grant(user, now + ttlNanos));
        return token.toString();
    }

    /** The user of a live token, renewing it; null when the token is unknown or expired. */
    String userOf(String token) {
        long now = nanoClock.getAsLong();
        Grant grant = grants.get(token);
        if (grant == null) {
            return null;
        }
        if (now - grant.deadlineNanos() >= 0) {
            grants.remove(token, grant);
            return null;
        }
        grants.replace(token, grant, new Grant(grant.user(), now + ttlNanos));
        return grant.user();
    }

    void invalidateUser(String user) {
        grants.values().removeIf(grant -> grant.user().equals(user));
    }

    void clear() {
        grants.clear();
    }
}
