package dev.baton.chaos.linear;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.chaos.linear.RegisterOp.Kind;
import dev.baton.chaos.linear.RegisterOp.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property tests over random histories. Each run draws a fresh seed and prints it; run again with
 * {@code -Dlinear.seed=<seed>} to replay exactly the same histories.
 */
class GeneratedHistoriesTest {

    private static final Duration BUDGET = Duration.ofSeconds(60);
    private static long seed;

    @BeforeAll
    static void drawSeed() {
        seed = Long.getLong("linear.seed", System.nanoTime());
        System.out.println("linear.seed=" + seed);
    }

    @Test
    void historiesOfALinearizableRegisterAreLinearizable() {
        for (int round = 0; round < 200; round++) {
            Random random = new Random(seed + round);
            List<RegisterOp> history = new SimulatedRegister(random, 3, 4, 40, 0.05, 0.05).history(60);

            assertThat(LinearizabilityChecker.check(history, BUDGET))
                    .as("seed %d round %d: %s", seed, round, history)
                    .allMatch(verdict -> verdict.result() == Verdict.Result.LINEARIZABLE);
        }
    }

    @Test
    void oneImpossibleReadMakesItsKeyAViolationShownByAnExcerptThatHoldsTheRead() {
        for (int round = 0; round < 200; round++) {
            Random random = new Random(seed + round);
            List<RegisterOp> history = new ArrayList<>(new SimulatedRegister(random, 3, 4, 40, 0.05, 0.05).history(60));
            int mutated = SimulatedRegister.mutateOneRead(history, random);
            if (mutated < 0) {
                continue;
            }
            RegisterOp impossibleRead = history.get(mutated);
            String context = "seed " + seed + " round " + round + ", changed " + impossibleRead;

            for (Verdict verdict : LinearizabilityChecker.check(history, BUDGET)) {
                if (!verdict.key().equals(impossibleRead.key())) {
                    assertThat(verdict.result()).as(context).isEqualTo(Verdict.Result.LINEARIZABLE);
                    continue;
                }
                assertThat(verdict.result()).as(context).isEqualTo(Verdict.Result.VIOLATION);
                assertThat(verdict.excerpt()).as(context).contains(impossibleRead);
                assertThat(LinearizabilityChecker.check(verdict.excerpt(), BUDGET).get(0).result())
                        .as("%s: excerpt alone %s", context, verdict.excerpt()).isEqualTo(Verdict.Result.VIOLATION);
            }
        }
    }

    @Test
    void checkerAgreesWithTryingEveryOrderOnSmallArbitraryHistories() {
        Random random = new Random(seed);
        String[] values = {"a", "b", "c"};
        for (int round = 0; round < 3000; round++) {
            List<RegisterOp> history = new ArrayList<>();
            int size = 1 + random.nextInt(7);
            for (int i = 0; i < size; i++) {
                history.add(arbitraryOp(random, values, i));
            }
            String context = "seed " + seed + " round " + round + ": " + history;

            Verdict verdict = LinearizabilityChecker.check(history, BUDGET).get(0);

            boolean linearizable = BruteForceOracle.linearizable(history);
            assertThat(verdict.result()).as(context)
                    .isEqualTo(linearizable ? Verdict.Result.LINEARIZABLE : Verdict.Result.VIOLATION);
            if (!linearizable) {
                assertThat(BruteForceOracle.linearizable(verdict.excerpt()))
                        .as("%s: excerpt alone %s", context, verdict.excerpt()).isFalse();
            }
        }
    }

    /** Any operation at all: values repeat, results may be impossible, outcomes mixed. */
    private static RegisterOp arbitraryOp(Random random, String[] values, int index) {
        long invoked = random.nextInt(30);
        long completed = invoked + random.nextInt(15);
        Outcome outcome = random.nextInt(6) == 0 ? Outcome.UNKNOWN : random.nextInt(8) == 0 ? Outcome.FAILED : Outcome.OK;
        Kind kind = Kind.values()[random.nextInt(3)];
        String value = kind == Kind.GET ? null : values[random.nextInt(values.length)];
        String expected = kind == Kind.CAS && random.nextInt(4) > 0 ? values[random.nextInt(values.length)] : null;
        String observed = null;
        if (outcome == Outcome.OK && kind == Kind.GET && random.nextInt(4) > 0) {
            observed = values[random.nextInt(values.length)];
        } else if (outcome == Outcome.OK && kind == Kind.CAS) {
            observed = Boolean.toString(random.nextBoolean());
        }
        return new RegisterOp("p" + index, Ops.KEY, kind, value, expected, invoked, completed, outcome, observed);
    }

    @Test
    void tenThousandOperationsOverTwentyKeysCheckWithinABoundedBudget() {
        Random random = new Random(seed);
        List<RegisterOp> history = new ArrayList<>(new SimulatedRegister(random, 20, 10, 200, 0.01, 0.01).history(10_000));

        List<Verdict> verdicts = LinearizabilityChecker.check(history, BUDGET);

        assertThat(verdicts).as("seed %d", seed).hasSize(20)
                .allMatch(verdict -> verdict.result() == Verdict.Result.LINEARIZABLE);
        assertThat(verdicts.stream().mapToLong(Verdict::operationsChecked).sum()).isEqualTo(10_000);

        RegisterOp impossibleRead = history.get(SimulatedRegister.mutateOneRead(history, random));

        assertThat(LinearizabilityChecker.check(history, BUDGET))
                .as("seed %d, changed %s", seed, impossibleRead)
                .filteredOn(verdict -> verdict.result() == Verdict.Result.VIOLATION)
                .singleElement()
                .satisfies(verdict -> assertThat(verdict.excerpt()).contains(impossibleRead));
    }
}
