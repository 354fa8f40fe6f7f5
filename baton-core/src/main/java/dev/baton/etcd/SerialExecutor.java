package dev.baton.etcd;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor. Baton gives each watch and
 * each listener set its own, so callbacks stay ordered without a thread per source. A task that
 * throws is logged and does not stop the ones after it. Once the shared executor has shut down
 * (the connection was closed), tasks are dropped.
 */
public final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor delegate;
    private final Queue<Runnable> queue = new ArrayDeque<>();
    private boolean running;
    /** The thread running this executor's tasks, while it does; set and cleared with {@code running}. */
    private volatile Thread draining;

    public SerialExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (queue) {
            queue.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        drainOnDelegate();
    }

    /**
     * Runs {@code task} at once on the calling thread when no task of this executor runs or waits,
     * as one of its tasks: tasks queued meanwhile wait for it, then run on the shared executor, never
     * on the calling thread. Otherwise queues it as {@link #execute} does. For a state machine that
     * handles an answer on the thread it arrives on, or a caller's request on the caller's thread,
     * saving the hop onto the shared executor; {@code task} must not run callers' code (rule 6 of
     * {@code docs/architecture.md}), such as the callbacks of a future others can see.
     */
    public void executeInPlaceWhenIdle(Runnable task) {
        synchronized (queue) {
            if (running) {
                queue.add(task);
                return;
            }
            running = true;
            draining = Thread.currentThread();
        }
        runLogged(task);
        synchronized (queue) {
            draining = null;
            if (queue.isEmpty()) {
                running = false;
                return;
            }
        }
        drainOnDelegate();
    }

    /**
     * Runs {@code task} at once when called from within one of this executor's tasks with nothing
     * queued after it, as part of that task (it would run next anyway, one thread hop later);
     * otherwise queues it as {@link #execute} does. For a continuation that may be called from inside
     * or outside the executor, such as one on a future that a task of this executor completes.
     */
    public void executeHere(Runnable task) {
        boolean now;
        synchronized (queue) {
            now = draining == Thread.currentThread() && queue.isEmpty();
        }
        if (now) {
            runLogged(task);
        } else {
            execute(task);
        }
    }

    /** Hands the queue, marked running by the caller, to the shared executor. */
    private void drainOnDelegate() {
        try {
            delegate.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (queue) {
                queue.clear();
                running = false;
            }
            LOG.debug("callback dropped: its executor has shut down", e);
        }
    }

    private void drain() {
        draining = Thread.currentThread();
        while (true) {
            Runnable next;
            synchronized (queue) {
                next = queue.poll();
                if (next == null) {
                    draining = null;
                    running = false;
                    return;
                }
            }
            runLogged(next);
        }
    }

    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.error("callback failed", e);
        }
    }
}
