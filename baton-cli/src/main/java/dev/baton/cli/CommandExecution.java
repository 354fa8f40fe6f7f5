package dev.baton.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs one command task as a process group of its own: argv executed directly, the claim in its
 * environment, standard output and error merged into a 4 KiB tail, the whole group ended when
 * the command exits, when its timeout passes, when the run is asked to stop, and when the worker
 * itself dies.
 *
 * <p>The command is started by a small supervisor ({@link #SUPERVISOR}, POSIX {@code sh}) in a new
 * session, hence a process group, through util-linux's {@code setsid}. The supervisor reads its
 * standard input, a pipe only this worker holds: a line on it, or its end, which the kernel
 * delivers when the worker exits in any way including {@code kill -9}, makes it send SIGTERM to
 * the group and SIGKILL after the grace period to what still runs. Children and grandchildren of
 * the command are in the group unless they leave it on purpose ({@code setsid}, daemons). When
 * the command exits on its own, whatever it left running in its group is ended the same way.
 */
final class CommandExecution {
    static final int OUTPUT_TAIL_BYTES = 4096;
    static final String TASK_ID_VARIABLE = "BATON_TASK_ID";
    static final String TASK_TOKEN_VARIABLE = "BATON_TASK_TOKEN";
    static final String TASK_OWNER_KEY_VARIABLE = "BATON_TASK_OWNER_KEY";
    /** How often a running process is checked for a stop request or its timeout. */
    private static final long POLL_MILLIS = 100;
    /** How long the group gets to exit after SIGTERM before what remains of it is killed. */
    private static final Duration TERMINATE_GRACE = Duration.ofSeconds(2);

    /**
     * $1: the grace in tenths of a second; the rest: the command. Signal dispositions are changed
     * only after the command started, so it starts with the defaults; the supervisor and its
     * watcher then ignore the terminal's signals and SIGTERM, which reach the worker and end the
     * group through it.
     */
    private static final String SUPERVISOR = """
            grace=$1; shift
            end_group() {
              kill -TERM -"$1" 2>/dev/null || return 0
              i=0
              while kill -0 -"$1" 2>/dev/null && [ "$i" -lt "$grace" ]; do sleep 0.1; i=$((i + 1)); done
              kill -KILL -"$1" 2>/dev/null
              return 0
            }
            exec 3<&0
            setsid "$@" </dev/null &
            group=$!
            while ! kill -0 -"$group" 2>/dev/null && kill -0 "$group" 2>/dev/null; do sleep 0.01; done
            trap '' INT HUP TERM
            { read -r _; end_group "$group"; } <&3 >/dev/null 2>&1 &
            watcher=$!
            exec 3<&-
            wait "$group"
            status=$?
            end_group "$group"
            kill -KILL "$watcher" 2>/dev/null
            exit "$status"
            """;

    private CommandExecution() {
    }

    /** What a run tells its command about the claim it runs under, as environment variables. */
    record Claim(String taskId, long token, String ownerKey) {
        void exportTo(Map<String, String> environment) {
            environment.put(TASK_ID_VARIABLE, taskId);
            environment.put(TASK_TOKEN_VARIABLE, Long.toString(token));
            environment.put(TASK_OWNER_KEY_VARIABLE, ownerKey);
        }
    }

    /**
     * Runs {@code task} to its end.
     *
     * @param stopRequested polled while the process runs; when it turns true the process group is
     *                      terminated and {@link Stopped} thrown
     * @throws IOException when the supervisor cannot be started (a command that cannot be started
     *                     exits 127 with the reason in its output)
     * @throws Stopped     when the run was asked to stop before the process ended
     */
    static CommandResult run(CommandTask task, Claim claim, BooleanSupplier stopRequested)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", SUPERVISOR, "baton-task",
                Long.toString(TERMINATE_GRACE.toMillis() / 100)));
        argv.addAll(task.argv());
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        claim.exportTo(builder.environment());
        long start = System.nanoTime();
        Process process = builder.start();
        OutputTail tail = new OutputTail(OUTPUT_TAIL_BYTES);
        Thread reader = new Thread(() -> copy(process.getInputStream(), tail), "baton-task-output-" + claim.taskId());
        reader.setDaemon(true);
        reader.start();
        long deadline = task.timeout().map(t -> start + t.toNanos()).orElse(Long.MAX_VALUE);
        boolean timedOut = false;
        try {
            while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (stopRequested.getAsBoolean()) {
                    terminate(process);
                    throw new Stopped(claim.taskId());
                }
                if (System.nanoTime() - deadline > 0) {
                    terminate(process);
                    timedOut = true;
                    break;
                }
            }
        } catch (InterruptedException e) {
            terminate(process);
            throw e;
        }
        reader.join(TERMINATE_GRACE.toMillis());
        Duration duration = Duration.ofNanos(System.nanoTime() - start);
        return new CommandResult(timedOut ? -1 : process.exitValue(), duration, timedOut, tail.text());
    }

    /**
     * Asks the supervisor to end the group and waits for it; kills the supervisor's tree only
     * when it does not exit within twice the grace.
     */
    private static void terminate(Process process) throws InterruptedException {
        try (OutputStream supervisor = process.getOutputStream()) {
            supervisor.write('\n');
        } catch (IOException e) {
            // The supervisor is gone already; waiting below tells.
        }
        if (!process.waitFor(2 * TERMINATE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
    }

    private static void copy(InputStream in, OutputTail tail) {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                tail.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // The pipe closes when the process is killed: what was read so far is the output.
            tail.write(new byte[0], 0, 0);
        }
    }

    /** The run was asked to stop and its process group was terminated; the task has no outcome. */
    static final class Stopped extends RuntimeException {
        Stopped(String taskId) {
            super("task " + taskId + " was stopped before its command ended");
        }
    }
}
