package dev.baton.spring.boot;

import dev.baton.tasks.TaskMember;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The application's {@link TaskMember}, run by the context: it joins the fleet as the context
 * starts, in the last phase (after the web server and schedulers, so everything its handlers use
 * is ready), and leaves in the first phase as the context closes: it deregisters, so the other
 * members rebalance at once, asks its handlers to stop, and releases the unfinished tasks, within
 * its stop timeout ({@code baton.tasks.stop-timeout}, then about one request timeout). The
 * session and the connection it uses are closed later, when the context destroys its beans.
 */
public final class TaskMemberLifecycle implements SmartLifecycle, DisposableBean {
    private final Supplier<TaskMember> join;
    private volatile TaskMember member;

    /** @param join builds and starts the member; called on each start of the context */
    public TaskMemberLifecycle(Supplier<TaskMember> join) {
        this.join = Objects.requireNonNull(join, "join");
    }

    /** The running member, for its {@link TaskMember#status() status}; empty before the context started and after it stopped. */
    public Optional<TaskMember> member() {
        return Optional.ofNullable(member);
    }

    @Override
    public synchronized void start() {
        if (member == null) {
            member = join.get();
        }
    }

    /** Leaves the fleet, waiting for it: bounded by the member's stop timeout plus about one request timeout. */
    @Override
    public synchronized void stop() {
        TaskMember running = member;
        member = null;
        if (running != null) {
            running.close();
        }
    }

    @Override
    public boolean isRunning() {
        return member != null;
    }

    /** The last phase to start and the first to stop. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE;
    }

    /** For a context whose start failed after the member joined, which stops no lifecycle: leaves all the same. */
    @Override
    public void destroy() {
        stop();
    }
}
