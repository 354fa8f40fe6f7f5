package dev.baton.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How the members treat one task, set when it is submitted (or in a schedule's template) and
 * stored with its spec under {@code "options"}, each field only when set, for example
 * {@code {"timeout":"PT30S","priority":5,"retry":{"maxAttempts":3,"initialBackoff":"PT1S",
 * "maxBackoff":"PT1M","multiplier":2,"jitter":0.2}}}. A spec without {@code "options"} (all
 * defaults, or written before options existed) reads as {@link #defaults()}.
 *
 * @param timeout     how long one run may take, counted from its handler's start (not from the
 *                    claim, nor while it waits for its not-before or for a free handler): a run
 *                    still going when it passes is asked to stop ({@link StopReason#TIMED_OUT})
 *                    and, once its handler returns, counts as a failed run whatever it returned;
 *                    empty: no limit
 * @param retryPolicy how this task's failed runs are retried, instead of the member's policy
 * @param priority    members claim unclaimed tasks of a higher priority first; how many tasks each
 *                    member claims is the balancer's decision alone, so fairness between members
 *                    is unchanged. Default {@value #DEFAULT_PRIORITY}; negative values come last.
 */
public record TaskOptions(Optional<Duration> timeout, Optional<RetryPolicy> retryPolicy, int priority) {

    public static final int DEFAULT_PRIORITY = 0;

    private static final String SUBJECT = "task options";
    private static final Set<String> FIELDS = Set.of("timeout", "retry", "priority");
    private static final Set<String> RETRY_FIELDS =
            Set.of("maxAttempts", "initialBackoff", "maxBackoff", "multiplier", "jitter");
    private static final TaskOptions DEFAULTS = new TaskOptions(Optional.empty(), Optional.empty(), DEFAULT_PRIORITY);
    /** Room for every field at its longest. */
    static final int MAX_ENCODED_BYTES = 512;

    public TaskOptions {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        timeout.ifPresent(limit -> {
            if (limit.isZero() || limit.isNegative()) {
                throw new IllegalArgumentException("a task timeout must be positive, is " + limit);
            }
        });
    }

    /** No timeout, the member's retry policy, priority {@value #DEFAULT_PRIORITY}. */
    public static TaskOptions defaults() {
        return DEFAULTS;
    }

    /** These options with a run timeout; positive. */
    public TaskOptions withTimeout(Duration timeout) {
        return new TaskOptions(Optional.of(Objects.requireNonNull(timeout, "timeout")), retryPolicy, priority);
    }

    /** These options with a retry policy of the task's own. */
    public TaskOptions withRetryPolicy(RetryPolicy retryPolicy) {
        return new TaskOptions(timeout, Optional.of(Objects.requireNonNull(retryPolicy, "retryPolicy")), priority);
    }

    public TaskOptions withPriority(int priority) {
        return new TaskOptions(timeout, retryPolicy, priority);
    }

    /** True when every option is at its default, so nothing is stored for them. */
    public boolean isDefault() {
        return equals(DEFAULTS);
    }

    /** The stored form, compact JSON. */
    public String json() {
        return JsonCodec.write(tree());
    }

    /**
     * Reads the stored form, refusing unknown fields, wrong types and bad values, naming the
     * field.
     *
     * @throws TaskFormatException when {@code json} is not options {@link #json()} could write
     */
    public static TaskOptions parse(String json) {
        return read(JsonRecord.parse(SUBJECT, json, MAX_ENCODED_BYTES, FIELDS));
    }

    /** Reads options nested in another record (a spec keeps them). */
    static TaskOptions read(ObjectNode node) {
        return read(JsonRecord.of(SUBJECT, node, FIELDS));
    }

    private static TaskOptions read(JsonRecord record) {
        try {
            Optional<RetryPolicy> retry = record.has("retry")
                    ? Optional.of(retryPolicy(record.requireObject("retry")))
                    : Optional.empty();
            return new TaskOptions(record.optionalDuration("timeout"), retry,
                    record.optionalInt("priority", DEFAULT_PRIORITY));
        } catch (TaskFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw record.invalid(e.getMessage());
        }
    }

    ObjectNode tree() {
        ObjectNode node = JsonCodec.newObject();
        timeout.ifPresent(limit -> node.put("timeout", limit.toString()));
        if (priority != DEFAULT_PRIORITY) {
            node.put("priority", priority);
        }
        retryPolicy.ifPresent(policy -> node.putObject("retry")
                .put("maxAttempts", policy.maxAttempts())
                .put("initialBackoff", policy.initialBackoff().toString())
                .put("maxBackoff", policy.maxBackoff().toString())
                .put("multiplier", policy.multiplier())
                .put("jitter", policy.jitter()));
        return node;
    }

    private static RetryPolicy retryPolicy(ObjectNode node) {
        JsonRecord record = JsonRecord.of(SUBJECT + " field \"retry\"", node, RETRY_FIELDS);
        try {
            return RetryPolicy.builder()
                    .maxAttempts(record.requireNonNegativeInt("maxAttempts"))
                    .initialBackoff(record.requireDuration("initialBackoff"))
                    .maxBackoff(record.requireDuration("maxBackoff"))
                    .multiplier(record.requireDouble("multiplier"))
                    .jitter(record.requireDouble("jitter"))
                    .build();
        } catch (TaskFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw record.invalid(e.getMessage());
        }
    }
}
