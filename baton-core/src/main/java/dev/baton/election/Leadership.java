package dev.baton.election;

import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Guard;
import dev.baton.etcd.Operations;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * This member's leadership of an election, from the moment it was elected until it is lost.
 *
 * <p>The {@link #token() fencing token} is the candidate key's create revision: it is unique to
 * this term, and the tokens of successive leaders only increase. Every write made on behalf of the
 * leader must be a transaction guarded by {@link #fence()}, so a deposed leader's write is refused
 * by the store even when it was sent before the loss was noticed.
 *
 * <p>Leadership is lost exactly once, for the first of: the session goes LOST (declared on the
 * monotonic clock before etcd can expire the lease and elect anyone else), the session is closed,
 * the candidate key is deleted, or {@link #resign()}. {@link #lost()} then completes and
 * {@link #isValid()} is false for good.
 */
public final class Leadership {
    private final Candidacy candidacy;
    private final String key;
    private final long token;
    private final long lease;

    Leadership(Candidacy candidacy, String key, long token, long lease) {
        this.candidacy = candidacy;
        this.key = key;
        this.token = token;
        this.lease = lease;
    }

    /** The election's name. */
    public String prefix() {
        return candidacy.election().prefix();
    }

    /** The leader's candidate key, {@code <prefix>/<lease-hex>}. */
    public String key() {
        return key;
    }

    /** The fencing token: the candidate key's create revision. */
    public long token() {
        return token;
    }

    /** The session lease the leadership is bound to. */
    public long lease() {
        return lease;
    }

    /**
     * True while the leadership holds: not lost, not resigned, and the session valid with the same
     * lease, checked against the session's deadline at the moment of the call. It can turn false at
     * any instant after it returned, which is why writes must still carry {@link #fence()}.
     */
    public boolean isValid() {
        return candidacy.isValid();
    }

    /**
     * The compare {@code createRevision(key) == token}: put it into every transaction made on behalf
     * of this leader, and the transaction fails once anyone else can lead.
     */
    public Guard fence() {
        return Compares.createRevisionIs(key, token);
    }

    /**
     * Completes once, with the reason, the moment the leadership is lost; never completes twice.
     * Completes on the connection's callback executor.
     */
    public CompletableFuture<LossReason> lost() {
        return candidacy.lost();
    }

    /** Why the leadership ended, once it has. */
    public Optional<LossReason> lossReason() {
        return candidacy.lossReason();
    }

    /**
     * Replaces the value followers see, in one transaction fenced by the token. Fails with
     * {@link NotLeaderException} when the leadership is no longer valid or the fence does not hold;
     * with {@link IllegalArgumentException} at once when {@code value} is over
     * {@link Election#MAX_VALUE_BYTES}.
     */
    public CompletableFuture<Void> proclaim(byte[] value) {
        byte[] copy = Election.checkValue(prefix(), value);
        if (!isValid()) {
            return CompletableFuture.failedFuture(notLeader("proclaim"));
        }
        Etcd etcd = candidacy.session().etcd();
        return etcd.txn(List.of(fence()), List.of(Operations.put(key, copy, lease)), List.of()).thenApply(result -> {
            if (!result.succeeded()) {
                throw notLeader("proclaim");
            }
            return null;
        });
    }

    /** {@link #proclaim(byte[])} with the UTF-8 bytes of {@code value}. */
    public CompletableFuture<Void> proclaim(String value) {
        return proclaim(Election.utf8(value));
    }

    /**
     * Resigns: {@link #isValid()} turns false at once, then {@link #lost()} completes with
     * {@link LossReason#RESIGNED}, and only after the callbacks registered on it have run is the
     * candidate key deleted (fenced), so the next candidate is elected after this member stopped
     * leading. See {@link Candidacy#withdraw()}.
     */
    public CompletableFuture<Void> resign() {
        return candidacy.withdraw();
    }

    private NotLeaderException notLeader(String operation) {
        return new NotLeaderException("cannot " + operation + " in election \"" + prefix() + "\": leadership with key "
                + key + " and token " + token + " is no longer held" + lossReason().map(r -> " (" + r + ")").orElse(""));
    }

    @Override
    public String toString() {
        return "Leadership[" + key + " token=" + token + (isValid() ? "" : " lost") + "]";
    }
}
