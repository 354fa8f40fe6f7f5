package dev.baton.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs one command task as a child process: argv executed directly, {@code BATON_TASK_ID} in its
 * environment, standard output and error merged into a 4 KiB tail, killed when its timeout passes
 * or when the run is asked to stop.
 */
final class CommandExecution {
    static final int OUTPUT_TAIL_BYTES = 4096;
    static final String TASK_ID_VARIABLE = "BATON_TASK_ID";
    /** How often a running process is checked for a stop request or its timeout. */
    private static final long POLL_MILLIS = 100;
    /** How long a process gets to exit after SIGTERM before it is killed. */
    private static final Duration TERMINATE_GRACE = Duration.ofSeconds(2);

    private CommandExecution() {
    }

    /**
     * Runs {@code task} to its end.
     *
     * @param stopRequested polled while the process runs; when it turns true the process is
     *                      terminated and {@link Stopped} thrown
     * @throws IOException when the program cannot be started (the message names it)
     * @throws Stopped     when the run was asked to stop before the process ended
     */
    static CommandResult run(CommandTask task, String taskId, BooleanSupplier stopRequested)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(task.argv()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.put(TASK_ID_VARIABLE, taskId);
        long start = System.nanoTime();
        Process process = builder.start();
        OutputTail tail = new OutputTail(OUTPUT_TAIL_BYTES);
        Thread reader = new Thread(() -> copy(process.getInputStream(), tail), "baton-task-output-" + taskId);
        reader.setDaemon(true);
        reader.start();
        long deadline = task.timeout().map(t -> start + t.toNanos()).orElse(Long.MAX_VALUE);
        boolean timedOut = false;
        try {
            while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (stopRequested.getAsBoolean()) {
                    terminate(process);
                    throw new Stopped(taskId);
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

    private static void terminate(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(TERMINATE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
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

    /** The run was asked to stop and its process was terminated; the task has no outcome. */
    static final class Stopped extends RuntimeException {
        Stopped(String taskId) {
            super("task " + taskId + " was stopped before its command ended");
        }
    }
}
