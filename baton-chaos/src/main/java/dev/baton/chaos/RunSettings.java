package dev.baton.chaos;

import java.time.Duration;

/**
 * How big one run is.
 *
 * @param chaos   how long faults are injected (tasks are submitted over the same span)
 * @param tasks   how many tasks are submitted
 * @param workers how many worker processes run
 * @param ttl     the workers' session TTL
 * @param soak    the soak form: a round of every nemesis before the resources are first sampled,
 *                then a stretch of the nemeses that leave every sampled process running, sampled
 *                again after it, then the others (see {@code ScenarioRun})
 */
record RunSettings(Duration chaos, int tasks, int workers, Duration ttl, boolean soak) {

    /**
     * The CI form, every scenario once in under ten minutes on two cores: a fault starts only
     * while the span lasts, and nearly every fault with its recovery time outlasts ten seconds,
     * so a run injects one fault (one round of {@code rolling-restart}, one burst of
     * {@code server-kill-burst}; {@code server-kill} sometimes two).
     */
    static final RunSettings SHORT = new RunSettings(Duration.ofSeconds(10), 30, 3, Duration.ofSeconds(3), false);
    static final RunSettings LONG = new RunSettings(Duration.ofSeconds(120), 120, 3, Duration.ofSeconds(3), false);

    /** One part of a soak, {@code chaos} long: a task a second, the long form's fleet. */
    static RunSettings soak(Duration chaos) {
        return new RunSettings(chaos, (int) Math.min(Integer.MAX_VALUE, chaos.toSeconds()), LONG.workers(), LONG.ttl(),
                true);
    }

    /** How long the fleet runs before the first fault, and before its resources are first sampled. */
    static final Duration WARM_UP = Duration.ofSeconds(5);
    /**
     * In the soak, how long the fleet runs without faults before its resources are sampled: longer
     * than the elastic pools keep an idle thread (a minute), so both samples find them at the
     * workload's own level, whatever fault came last.
     */
    static final Duration SOAK_SETTLE = Duration.ofSeconds(70);
    /**
     * In the soak, the share of a part's fault phase (counted from its start) after which the
     * sampled stretch ends and the nemeses that restart a sampled process begin.
     */
    static final double SOAK_SAMPLED_SHARE = 0.75;
    /**
     * In the soak's sampled stretch, how often the resources are sampled between faults for its
     * curve (each sample runs a full GC in every sampled process).
     */
    static final Duration SOAK_CURVE_EVERY = Duration.ofMinutes(2);
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
    /** How often the ledger's recorded keys are deleted from the store. */
    static final Duration PRUNE_PERIOD = Duration.ofSeconds(10);
    static final int REGISTER_CLIENTS = 3;
}
