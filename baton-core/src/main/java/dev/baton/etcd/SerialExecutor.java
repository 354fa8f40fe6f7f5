package dev.baton.etcd;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor ({@link #executeHere} also on
 * the calling thread). Baton gives each watch and
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
        handOver();
    }

    /** Has the shared executor drain the queue; {@code running} is set. */
    private void handOver() {
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

    /**
     * Runs {@code task} on the calling thread when that keeps the order: when nothing is running or
     * queued, or when called from within one of this executor's tasks with nothing queued after it
     * (the task would run next anyway, one thread hop later). Otherwise queues it as {@link #execute}
     * does; tasks queued while it ran go to the shared executor. For short continuations that run no
     * code of the caller's users, such as handling a store answer on the thread that received it.
     */
    public void executeHere(Runnable task) {
        Thread current = Thread.currentThread();
        boolean claimed;
        synchronized (queue) {
            if (draining == current && queue.isEmpty()) {
                claimed = false;
            } else if (!running) {
                running = true;
                draining = current;
                claimed = true;
            } else {
                queue.add(task);
                return;
            }
        }
        runLogged(task);
        if (claimed) {
            synchronized (queue) {
                draining = null;
                if (queue.isEmpty()) {
                    running = false;
                    return;
                }
            }
            handOver();
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
