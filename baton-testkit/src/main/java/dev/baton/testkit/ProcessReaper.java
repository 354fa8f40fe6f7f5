package dev.baton.testkit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills, at JVM exit, every process a fixture started and has not yet closed.
 *
 * <p>Fixtures close their processes themselves; this is the safety net for a test JVM that
 * exits without running teardown (a forked test JVM hitting its timeout, {@code System.exit}).
 * It never touches a process it was not handed.
 */
final class ProcessReaper {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Thread hook = new Thread(ProcessReaper::killAll, "baton-testkit-reaper");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private ProcessReaper() {
    }

    static void register(Process process) {
        LIVE.add(process);
    }

    static void unregister(Process process) {
        LIVE.remove(process);
    }

    private static void killAll() {
        for (Process process : LIVE) {
            // A stopped process still dies on SIGKILL, so no SIGCONT is needed here.
            process.destroyForcibly();
        }
    }
}
