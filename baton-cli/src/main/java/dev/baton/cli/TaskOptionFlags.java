package dev.baton.cli;

import dev.baton.tasks.RetryPolicy;
import dev.baton.tasks.TaskOptions;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The task options a command sets on the tasks it creates ({@code baton submit},
 * {@code baton schedule add}): {@code --timeout}, the run timeout every member enforces;
 * {@code --priority}; and {@code --max-attempts} and {@code --backoff}, which give the task a
 * retry policy of its own instead of the worker's. Mixed in with {@code @Mixin}.
 */
final class TaskOptionFlags {

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Run timeout: a run that takes longer is stopped (a worker terminates the command's process"
                    + " group) and counts as a failed run, retried as the retry policy says.")
    Duration timeout;

    @Option(names = "--priority", paramLabel = "N",
            description = "Workers claim tasks of a higher priority first (default 0; negative comes last).")
    int priority = TaskOptions.DEFAULT_PRIORITY;

    @Option(names = "--max-attempts", paramLabel = "N",
            description = "Failed runs before the task is FAILED, instead of the worker's policy (1: never retried).")
    Integer maxAttempts;

    @Option(names = "--backoff", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "The wait after the first failed run, doubling after each (at most 60s or this, the larger), "
                    + "instead of the worker's policy.")
    Duration backoff;

    /** True when no flag was given. */
    boolean none() {
        return timeout == null && priority == TaskOptions.DEFAULT_PRIORITY && maxAttempts == null && backoff == null;
    }

    /**
     * The options the flags give.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    TaskOptions options() {
        TaskOptions options = TaskOptions.defaults().withPriority(priority);
        if (timeout != null) {
            options = options.withTimeout(timeout);
        }
        if (maxAttempts == null && backoff == null) {
            return options;
        }
        RetryPolicy.Builder retry = RetryPolicy.builder();
        if (maxAttempts != null) {
            retry.maxAttempts(maxAttempts);
        }
        if (backoff != null) {
            retry.initialBackoff(backoff);
            if (backoff.compareTo(RetryPolicy.DEFAULT_MAX_BACKOFF) > 0) {
                retry.maxBackoff(backoff);
            }
        }
        return options.withRetryPolicy(retry.build());
    }
}
