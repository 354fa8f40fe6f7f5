package dev.baton.lock;

import dev.baton.session.Session;
import dev.baton.session.SessionListener;
import dev.baton.session.SessionState;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lock attempts running on each session, told of its state changes by one listener per
 * session. An attempt joins by adding itself to a set: registering a session listener per attempt
 * would also have the session deliver its current state to it, a hand-off to the callback executor
 * on every acquire. A session is held weakly: the listener it holds refers only to its attempts.
 */
final class SessionAttempts implements SessionListener {
    private static final Map<Session, SessionAttempts> BY_SESSION = Collections.synchronizedMap(new WeakHashMap<>());

    private final Set<Contender> attempts = ConcurrentHashMap.newKeySet();

    private SessionAttempts() {
    }

    /**
     * Tells {@code attempt} every state change of {@code session} from now until {@link #leave};
     * the state changes before are the caller's to check.
     */
    static void join(Session session, Contender attempt) {
        BY_SESSION.computeIfAbsent(session, SessionAttempts::listenTo).attempts.add(attempt);
    }

    /** Stops telling {@code attempt} of {@code session}'s state changes. */
    static void leave(Session session, Contender attempt) {
        SessionAttempts joined = BY_SESSION.get(session);
        if (joined != null) {
            joined.attempts.remove(attempt);
        }
    }

    private static SessionAttempts listenTo(Session session) {
        SessionAttempts attempts = new SessionAttempts();
        session.addListener(attempts);
        return attempts;
    }

    @Override
    public void onStateChange(SessionState state, long lease) {
        attempts.forEach(attempt -> attempt.onSessionState(state, lease));
    }
}
