package dev.baton.election;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.Operations;
import dev.baton.session.Session;
import dev.baton.session.SessionState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A leader election on a prefix, in the key layout of etcd's Go {@code concurrency} package, so
 * Baton members, Go services and {@code etcdctl elect NAME} take part in the same election. Each
 * candidate is the key {@code <prefix>/<lease-hex>} on its session's lease; the leader is the
 * candidate with the lowest create revision. See the package documentation for the guarantees.
 *
 * <p>One {@code Election} object runs at most one candidacy at a time. Create one per member (per
 * session) and prefix: two objects on the same session and prefix would share one candidate key.
 */
public final class Election {
    /**
     * Largest value a candidate may carry: 1 MiB. With the key and the transaction around it a
     * campaign stays well below etcd's default request limit of 1.5 MiB ({@code --max-request-bytes}).
     */
    public static final int MAX_VALUE_BYTES = 1024 * 1024;

    private final Session session;
    private final ElectionPrefix keys;
    private Candidacy active;

    private Election(Session session, ElectionPrefix keys) {
        this.session = session;
        this.keys = keys;
    }

    /**
     * The election named {@code prefix} (as {@code etcdctl elect} names it: no trailing {@code /}),
     * on {@code session}. Fails with {@link IllegalArgumentException} naming a blank or malformed prefix.
     */
    public static Election on(Session session, String prefix) {
        Objects.requireNonNull(session, "session");
        return new Election(session, ElectionPrefix.of(prefix));
    }

    /**
     * Checks {@code prefix} as {@link #on} does, without a session, for input checked before
     * connecting; returns it. Fails with {@link IllegalArgumentException} naming a blank or
     * malformed prefix.
     */
    public static String checkPrefix(String prefix) {
        return ElectionPrefix.of(prefix).name();
    }

    /** The election's name. */
    public String prefix() {
        return keys.name();
    }

    public Session session() {
        return session;
    }

    /**
     * Starts campaigning with {@code value} and returns at once; {@link Candidacy#elected()}
     * completes when this member leads. Fails at once with {@link IllegalArgumentException} when the
     * value is over {@link #MAX_VALUE_BYTES}, and with {@link IllegalStateException} when the
     * session is closed or lost, or a candidacy of this object is still running.
     */
    public Candidacy campaign(byte[] value) {
        byte[] copy = checkValue(prefix(), value);
        synchronized (this) {
            SessionState state = session.state();
            if (state == SessionState.CLOSED || state == SessionState.LOST || !session.isValid()) {
                throw new IllegalStateException("cannot campaign in election \"" + prefix() + "\": the session is "
                        + state + (state == SessionState.CLOSED ? "" : " (lease " + Long.toHexString(session.lease())
                        + " no longer valid)"));
            }
            if (active != null) {
                throw new IllegalStateException("cannot campaign in election \"" + prefix() + "\": candidacy "
                        + active.key() + " is still running; withdraw it first");
            }
            active = Candidacy.start(this, copy);
            return active;
        }
    }

    /** {@link #campaign(byte[])} with the UTF-8 bytes of {@code value}. */
    public Candidacy campaign(String value) {
        return campaign(utf8(value));
    }

    /**
     * Campaigns and blocks until this member leads. When {@code timeout} passes first, or the
     * thread is interrupted, the candidacy is withdrawn before the exception is thrown.
     *
     * @throws CandidacyLostException when the campaign ended first (session lost or closed, key deleted)
     * @throws TimeoutException       when not elected within {@code timeout}
     */
    public Leadership campaign(byte[] value, Duration timeout) throws InterruptedException, TimeoutException {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("campaign timeout must be >= 0, got " + timeout);
        }
        Candidacy candidacy = campaign(value);
        try {
            return candidacy.elected().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            candidacy.withdraw();
            throw new TimeoutException("not elected in election \"" + prefix() + "\" within " + timeout
                    + "; candidacy " + candidacy.key() + " withdrawn");
        } catch (InterruptedException e) {
            candidacy.withdraw();
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = Etcd.unwrap(e);
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("campaign in election \"" + prefix() + "\" failed", cause);
        }
    }

    /** {@link #campaign(byte[], Duration)} with the UTF-8 bytes of {@code value}. */
    public Leadership campaign(String value, Duration timeout) throws InterruptedException, TimeoutException {
        return campaign(utf8(value), timeout);
    }

    /** The current leader, read linearizably in one request; empty when nobody campaigns. */
    public CompletableFuture<Optional<Leader>> leader() {
        return session.etcd().txn(List.of(), List.of(Operations.getOldest(keys.candidates())), List.of())
                .thenApply(result -> result.gets().get(0).stream().findFirst().map(Leader::of));
    }

    /**
     * Follows the leader: {@code listener} is told the current leader first, then every change of
     * leader and every new value the leader proclaims. Close the returned observer to stop.
     */
    public LeaderObserver observe(LeaderListener listener) {
        return LeaderObserver.start(session.etcd(), keys, Objects.requireNonNull(listener, "listener"));
    }

    ElectionPrefix keys() {
        return keys;
    }

    /** Called by a candidacy when it ends, so this object may campaign again. */
    synchronized void ended(Candidacy candidacy) {
        if (active == candidacy) {
            active = null;
        }
    }

    static byte[] checkValue(String prefix, byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("value for election \"" + prefix + "\" must not be null");
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("value for election \"" + prefix + "\" is " + value.length
                    + " bytes, over the limit of " + MAX_VALUE_BYTES + " bytes");
        }
        return value.clone();
    }

    static byte[] utf8(String value) {
        if (value == null) {
            throw new IllegalArgumentException("election value must not be null");
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Election[" + prefix() + "]";
    }
}
