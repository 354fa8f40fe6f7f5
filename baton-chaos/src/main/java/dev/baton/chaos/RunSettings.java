package dev.baton.chaos;

import java.time.Duration;

/**
 * How big one run is.
 *
 * @param chaos   how long faults are injected (tasks are submitted over the same span)
 * @param tasks   how many tasks are submitted
 * @param workers how many worker processes run
 * @param ttl     the workers' session TTL
 */
record RunSettings(Duration chaos, int tasks, int workers, Duration ttl) {

    /**
     * The CI form, every scenario once in under ten minutes on two cores: a fault starts only
     * while the span lasts, and nearly every fault with its recovery time outlasts ten seconds,
     * so a run injects one fault (one round of {@code rolling-restart}, one burst of
     * {@code server-kill-burst}; {@code server-kill} sometimes two).
     */
    static final RunSettings SHORT = new RunSettings(Duration.ofSeconds(10), 30, 3, Duration.ofSeconds(3));
    static final RunSettings LONG = new RunSettings(Duration.ofSeconds(120), 120, 3, Duration.ofSeconds(3));

    /** A soak of {@code chaos}: a task a second, the long form's fleet. */
    static RunSettings soak(Duration chaos) {
        return new RunSettings(chaos, (int) Math.min(Integer.MAX_VALUE, chaos.toSeconds()), LONG.workers(), LONG.ttl());
    }
    /** How long the fleet runs before the first fault, and before its resources are first sampled. */
    static final Duration WARM_UP = Duration.ofSeconds(5);
    /** After a fault ends, the fleet gets the TTL and this long before the next one. */
    static final Duration SETTLE = Duration.ofSeconds(3);
    /** How long the suite waits, after the faults, for every task to finish. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(120);
    /** How long the store must see no write before the caches are asked to report. */
    static final Duration STILL = Duration.ofSeconds(3);
    /** How long the suite waits for the store to be still, and then for the caches to report. */
    static final Duration REPORT_TIMEOUT = Duration.ofSeconds(90);
    /** Time the linearizability search may spend on one key. */
    static final Duration SEARCH_BUDGET = Duration.ofSeconds(20);
    static final Duration COMPACTION_PERIOD = Duration.ofSeconds(2);
    static final int REGISTER_CLIENTS = 3;
}
