package dev.baton.tasks;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Applies messages to task states by the fixed transition table of the package documentation.
 * Pure apart from its two injected sources, the clock (for {@code since} and retry instants)
 * and the jitter source (uniform in [0, 1)); safe to share between threads when they are.
 *
 * <p>Beyond the table, each message changes the other fields as follows: ERROR counts one more
 * failed run, records the cause and, while attempts remain, waits in FAULT for the policy's
 * backoff, else ends FAILED; SLEEP records the wake-up instant; CHECKPOINT records the
 * checkpoint; SLEEP and CHECKPOINT (the handler reporting progress) reset the failed-run count.
 * {@code until} is kept only while the status stays SLEEPING or FAULT, and {@code since} moves
 * only when the status changes. A SLEEP to an instant already past is accepted: the task is
 * due at once.
 */
public final class TaskStateMachine {

    private final Clock clock;
    private final RetryPolicy retryPolicy;
    private final DoubleSupplier jitter;

    private TaskStateMachine(Builder builder) {
        this(builder.clock, builder.retryPolicy, builder.jitter);
    }

    private TaskStateMachine(Clock clock, RetryPolicy retryPolicy, DoubleSupplier jitter) {
        this.clock = clock;
        this.retryPolicy = retryPolicy;
        this.jitter = jitter;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when {@code status} accepts messages of {@code kind}. */
    public static boolean accepts(TaskStatus status, TaskMessage.Kind kind) {
        return TransitionTable.target(status, kind).isPresent();
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** This machine with the same clock and jitter and {@code retryPolicy}: for a task with a policy of its own. */
    public TaskStateMachine withRetryPolicy(RetryPolicy retryPolicy) {
        return new TaskStateMachine(clock, Objects.requireNonNull(retryPolicy, "retryPolicy"), jitter);
    }

    /** The state of a task submitted now. */
    public TaskState initial() {
        return TaskState.initial(clock.instant());
    }

    /**
     * The state after {@code message}.
     *
     * @throws IllegalTransitionException when the current status does not accept the message
     */
    public TaskState apply(TaskState current, TaskMessage message) {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(message, "message");
        TaskStatus target = TransitionTable.target(current.status(), message.kind())
                .orElseThrow(() -> new IllegalTransitionException(current.status(), message.kind()));
        Instant now = clock.instant();
        int attempts = current.attempts();
        Instant until = target == current.status() ? current.until().orElse(null) : null;
        String lastError = current.lastError().orElse(null);
        String checkpoint = current.checkpoint().orElse(null);
        switch (message.kind()) {
            case ERROR -> {
                attempts++;
                lastError = message.cause().orElseThrow();
                if (retryPolicy.exhausted(attempts)) {
                    target = TaskStatus.FAILED;
                } else {
                    until = now.plus(retryPolicy.backoff(attempts, jitter.getAsDouble()));
                }
            }
            case SLEEP -> {
                attempts = 0;
                until = message.until().orElseThrow();
            }
            case CHECKPOINT -> {
                attempts = 0;
                checkpoint = message.checkpoint().orElseThrow();
            }
            default -> {
                // The table alone decides: no other field changes.
            }
        }
        Instant since = target == current.status() ? current.since() : now;
        return TaskState.of(target, since, attempts, until, lastError, checkpoint);
    }

    /** Builds a {@link TaskStateMachine}; defaults: the UTC system clock, {@link RetryPolicy#defaults()}, a thread-local random jitter. */
    public static final class Builder {

        private Clock clock = Clock.systemUTC();
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();

        private Builder() {
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** The source of jitter, uniform in [0, 1). */
        public Builder jitter(DoubleSupplier jitter) {
            this.jitter = Objects.requireNonNull(jitter, "jitter");
            return this;
        }

        public TaskStateMachine build() {
            return new TaskStateMachine(this);
        }
    }
}
