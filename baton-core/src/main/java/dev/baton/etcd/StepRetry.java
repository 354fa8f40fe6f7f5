package dev.baton.etcd;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * How the steps of a recipe that follows one key on its own {@link SerialExecutor} (a lock attempt,
 * a candidacy) are retried: a failed step is run again on the queue after a {@link Backoff}
 * (50 ms doubling to 1 s); the first failure of a streak is logged once, and so is the recovery.
 * Watches hand their events to the same queue. Every method but the constructor runs on the queue.
 */
public final class StepRetry {
    private static final Duration RETRY_INITIAL = Duration.ofMillis(50);
    private static final Duration RETRY_MAX = Duration.ofSeconds(1);

    private final SerialExecutor queue;
    private final Logger log;
    private final String subject;
    private final Backoff backoff = new Backoff(RETRY_INITIAL, RETRY_MAX);
    private boolean failing;

    /** Retries on {@code queue}, logging to {@code log} about {@code subject} (e.g. "candidacy KEY"). */
    public StepRetry(SerialExecutor queue, Logger log, String subject) {
        this.queue = queue;
        this.log = log;
        this.subject = subject;
    }

    /** Runs {@code step} on the queue after the next backoff delay. */
    public void retryLater(Runnable step) {
        long delay = backoff.next().toMillis();
        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, queue).execute(step);
    }

    /** Records a failed step, {@code what} naming it; only the first of a streak is logged. */
    public void failed(String what, Throwable cause) {
        if (!failing) {
            log.warn("{} failed ({}); retrying with backoff", what, cause.toString());
            failing = true;
        }
    }

    /** Records a step that reached the store: the backoff starts over, and an ended streak is logged. */
    public void recovered() {
        if (failing) {
            log.info("{} reaches the store again", subject);
            failing = false;
        }
        backoff.reset();
    }

    /**
     * A watch listener that hands everything to the queue: event batches to {@code handler} while
     * {@code active} holds; a compaction to {@code ended} at once, a failure (of {@code watching}, as
     * logged) to {@code ended} after the backoff.
     */
    public WatchListener onEvents(String watching, BooleanSupplier active, Consumer<List<WatchEvent>> handler,
                                  Runnable ended) {
        return new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> batch) {
                queue.execute(() -> {
                    if (active.getAsBoolean()) {
                        handler.accept(batch);
                    }
                });
            }

            @Override
            public void onCompacted(long compactRevision) {
                queue.execute(ended);
            }

            @Override
            public void onFailed(Throwable cause) {
                queue.execute(() -> {
                    failed(watching, cause);
                    retryLater(ended);
                });
            }
        };
    }
}
