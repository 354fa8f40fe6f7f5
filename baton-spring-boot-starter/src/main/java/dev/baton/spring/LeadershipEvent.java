package dev.baton.spring;

import dev.baton.election.Leadership;
import org.springframework.context.ApplicationEvent;

/**
 * This instance was granted, or no longer holds, the leadership of an election a {@link LeaderOnly}
 * method names. Published in the application context on the election's own thread, granted before
 * the instance first runs the election's methods as leader and revoked once it stops running them,
 * so a listener sees each term as one {@link Granted} then one {@link Revoked} with the same token.
 * Listeners run on that thread: a slow one delays the term's start or end, so hand long work to an
 * executor (or an {@code @Async} listener); one that throws is logged and does not end the term.
 */
public abstract sealed class LeadershipEvent extends ApplicationEvent {
    private final String election;
    private final String member;
    private final transient Leadership leadership;

    LeadershipEvent(Object source, String election, String member, Leadership leadership) {
        super(source);
        this.election = election;
        this.member = member;
        this.leadership = leadership;
    }

    /** The election's name, as {@link LeaderOnly} gives it. */
    public String election() {
        return election;
    }

    /** The value this instance campaigns with, which the election shows as its leader. */
    public String member() {
        return member;
    }

    /** The term's fencing token: greater than that of every earlier term of the election. */
    public long token() {
        return leadership.token();
    }

    /** The term's leadership, whose {@code fence()} guards writes while it holds. */
    public Leadership leadership() {
        return leadership;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[election=" + election + ", member=" + member + ", token=" + token() + "]";
    }

    /** This instance leads the election from now on, until the matching {@link Revoked}. */
    public static final class Granted extends LeadershipEvent {
        Granted(Object source, String election, String member, Leadership leadership) {
            super(source, election, member, leadership);
        }
    }

    /** This instance no longer acts as the election's leader: it resigned, lost its session, or is closing. */
    public static final class Revoked extends LeadershipEvent {
        Revoked(Object source, String election, String member, Leadership leadership) {
            super(source, election, member, leadership);
        }
    }
}
