package dev.baton.bench.election;

import java.util.concurrent.CompletableFuture;

/**
 * One contender of an election system, with its own connection (and session) to the store, in one
 * election. It campaigns, leads, resigns and may campaign again.
 */
interface Candidate extends AutoCloseable {
    /**
     * Campaigns and returns at once. The future completes with {@link System#nanoTime()} read in
     * the system's own "you lead" callback, so the instant does not include waking up a waiting
     * thread.
     */
    CompletableFuture<Long> campaign();

    /** Gives up the leadership won by the last campaign; completes when the store has it. */
    CompletableFuture<Void> resign();

    /** Ends the candidacy, the session and the connection; idempotent. */
    @Override
    void close();
}
