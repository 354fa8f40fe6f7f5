package dev.baton.cli;

import dev.baton.lock.HeldLock;
import dev.baton.lock.LossReason;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a command while a lock is held, with the lock's token and key in its environment, and stops
 * it when the lock is lost first: SIGTERM, then SIGKILL once the grace period has passed. When this
 * JVM is told to stop (SIGTERM, Ctrl-C) the command is stopped the same way before the JVM exits.
 * Only the command's own process is signalled; a command that starts others should pass the signal on.
 */
final class CommandUnderLock {
    /**
     * The exit status when the lock was lost while the command ran (EX_TEMPFAIL of sysexits.h: the
     * command may be run again). The command's own status is then not reported.
     */
    static final int LOST_STATUS = 75;

    private CommandUnderLock() {
    }

    /** Runs {@code command} to its end and returns its exit status, or {@link #LOST_STATUS}. */
    static int run(List<String> command, HeldLock held, Duration grace, PrintWriter err) throws InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put("BATON_LOCK_TOKEN", Long.toString(held.token()));
        builder.environment().put("BATON_LOCK_KEY", held.key());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CommandFailure("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        AtomicReference<LossReason> lostWhileRunning = new AtomicReference<>();
        held.lost().thenAccept(reason -> {
            if (reason != LossReason.RELEASED && process.isAlive()) {
                lostWhileRunning.set(reason);
                Thread stopper = new Thread(() -> stop(process, held, reason, grace, err), "baton-lock-stop");
                stopper.setDaemon(true);
                stopper.start();
            }
        });
        Thread onExit = new Thread(() -> stop(process, grace, err), "baton-lock-exit");
        Runtime.getRuntime().addShutdownHook(onExit);
        int status = process.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or has run: it stops the command, which has ended already.
        }
        return lostWhileRunning.get() == null ? status : LOST_STATUS;
    }

    private static void stop(Process process, HeldLock held, LossReason reason, Duration grace, PrintWriter err) {
        print(err, "lock \"" + held.name() + "\" (key " + held.key() + ", token " + held.token() + ") lost (" + reason
                + ") while the command ran: sending SIGTERM");
        stop(process, grace, err);
    }

    /** SIGTERM, then SIGKILL when the command still runs after {@code grace}. */
    private static void stop(Process process, Duration grace, PrintWriter err) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                print(err, "command still runs " + grace + " after SIGTERM: sending SIGKILL");
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void print(PrintWriter err, String line) {
        synchronized (err) {
            err.println("baton lock: " + line);
            err.flush();
        }
    }
}
