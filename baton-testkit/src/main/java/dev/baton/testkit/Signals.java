package dev.baton.testkit;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Sends POSIX signals to exactly one process id.
 *
 * <p>{@code SIGKILL} and {@code SIGTERM} go through {@link ProcessHandle}; {@code SIGSTOP} and
 * {@code SIGCONT} have no Java API, so they go through {@code kill -STOP <pid>}. Nothing here
 * matches processes by name: a fixture only ever signals the pid it started.
 */
final class Signals {

    enum Signal { STOP, CONT, TERM, KILL }

    private Signals() {
    }

    /**
     * Sends {@code signal} to {@code pid}.
     *
     * @return false when no such process exists any more
     */
    static boolean send(long pid, Signal signal) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive: " + pid);
        }
        switch (signal) {
            case KILL:
                return ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
            case TERM:
                return ProcessHandle.of(pid).map(ProcessHandle::destroy).orElse(false);
            default:
                return sendWithKillCommand(pid, signal);
        }
    }

    private static boolean sendWithKillCommand(long pid, Signal signal) {
        if (ProcessHandle.of(pid).isEmpty()) {
            return false;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal.name(), Long.toString(pid))
                    .redirectErrorStream(true)
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + signal.name() + " " + pid + " did not return within 10 s");
            }
            String output = new String(kill.getInputStream().readAllBytes()).trim();
            if (kill.exitValue() != 0) {
                if (ProcessHandle.of(pid).isEmpty()) {
                    return false;
                }
                throw new IllegalStateException("kill -" + signal.name() + " " + pid + " failed: " + output);
            }
            return true;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill -" + signal.name() + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + pid, e);
        }
    }
}
