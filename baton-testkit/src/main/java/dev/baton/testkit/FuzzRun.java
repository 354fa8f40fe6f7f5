package dev.baton.testkit;

import java.util.Optional;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * The run settings of jqwik fuzz properties, registered with
 * {@code @AddLifecycleHook(FuzzRun.class)} on a property or its class.
 *
 * <p>A property's own {@code tries} is its CI budget. {@code -Dbaton.fuzz.tries=N} runs every
 * fuzz property N times instead (a long local run), and {@code -Dbaton.fuzz.seed=S} replays the
 * run that printed seed S. Every run prints its label, tries and seed; a failure's message
 * starts with the seed and the flag that replays it, so a CI log alone is enough to reproduce.
 */
public final class FuzzRun implements AroundPropertyHook {
    /** The system property that overrides every fuzz property's number of tries. */
    public static final String TRIES = "baton.fuzz.tries";
    /** The system property that replays one seed. */
    public static final String SEED = "baton.fuzz.seed";

    /** Registered on a class, the settings apply to every property in it. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        Integer tries = Integer.getInteger(TRIES);
        if (tries != null) {
            if (tries <= 0) {
                throw new IllegalArgumentException("-D" + TRIES + " must be positive, was " + tries);
            }
            context.attributes().setTries(tries);
        }
        String seed = System.getProperty(SEED);
        if (seed != null && !seed.isBlank()) {
            context.attributes().setSeed(seed.trim());
        }
        PropertyExecutionResult result = property.execute();
        String usedSeed = result.seed().orElse("?");
        System.out.printf("fuzz %s: %d tries, seed %s, %s%n", context.label(), result.countTries(), usedSeed,
                result.status());
        Optional<Throwable> failure = result.throwable();
        if (result.status() == PropertyExecutionResult.Status.FAILED && failure.isPresent()) {
            return result.mapToFailed(new AssertionError("fuzz property " + context.label() + " failed with seed "
                    + usedSeed + " (replay: -D" + SEED + "=" + usedSeed + "): " + failure.get().getMessage(),
                    failure.get()));
        }
        return result;
    }
}
