package dev.baton.session;

/** Told of every state change of a {@link Session}, in order, on the callback executor. */
@FunctionalInterface
public interface SessionListener {

    /**
     * The session entered {@code state}. {@code lease} is the lease the state is about: for
     * {@code LOST} the lease that was lost, for {@code CONNECTED} the (possibly new) current lease.
     */
    void onStateChange(SessionState state, long lease);
}
