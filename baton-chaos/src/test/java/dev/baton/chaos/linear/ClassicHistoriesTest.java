package dev.baton.chaos.linear;

import static dev.baton.chaos.linear.Ops.cas;
import static dev.baton.chaos.linear.Ops.casUnknown;
import static dev.baton.chaos.linear.Ops.get;
import static dev.baton.chaos.linear.Ops.getUnknown;
import static dev.baton.chaos.linear.Ops.put;
import static dev.baton.chaos.linear.Ops.putFailed;
import static dev.baton.chaos.linear.Ops.putUnknown;
import static dev.baton.chaos.linear.Verdict.Result.LINEARIZABLE;
import static dev.baton.chaos.linear.Verdict.Result.VIOLATION;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hand-written histories on one key with the verdict they must get. Times are small integers;
 * operations whose intervals touch or overlap are concurrent.
 */
class ClassicHistoriesTest {

    private static final Duration BUDGET = Duration.ofSeconds(30);

    static Stream<Arguments> histories() {
        return Stream.of(
                row("a single write", LINEARIZABLE,
                        put("p1", "a", 0, 10)),
                row("a read of the initial absent register", LINEARIZABLE,
                        get("p1", null, 0, 10)),
                row("a read after a write sees it", LINEARIZABLE,
                        put("p1", "a", 0, 10), get("p2", "a", 20, 30)),
                row("stale read: the older of two sequential writes read after both", VIOLATION,
                        put("p1", "a", 0, 10), put("p2", "b", 20, 30), get("p3", "a", 40, 50)),
                row("lost write: a read sees the other of two concurrent writes, a later read the first", VIOLATION,
                        put("p1", "a", 0, 10), put("p2", "b", 5, 15), get("p3", "b", 20, 30), get("p3", "a", 40, 50)),
                row("concurrent overlapping writes, reads settle on one of them", LINEARIZABLE,
                        put("p1", "a", 0, 10), put("p2", "b", 5, 15), get("p3", "a", 20, 30), get("p1", "a", 40, 50)),
                row("reads during a slow write see old, then new", LINEARIZABLE,
                        put("p1", "a", 0, 100), get("p2", null, 10, 20), get("p2", "a", 30, 40), get("p3", "a", 50, 60)),
                row("reads during a slow write see new, then old again", VIOLATION,
                        put("p1", "a", 0, 100), get("p2", "a", 10, 20), get("p2", null, 30, 40)),
                row("operations that touch are concurrent", LINEARIZABLE,
                        put("p1", "a", 0, 10), get("p2", null, 10, 20)),
                row("a read of a value nobody wrote", VIOLATION,
                        put("p1", "a", 0, 10), get("p2", "z", 20, 30)),
                row("a read of a value before its write was invoked", VIOLATION,
                        get("p2", "a", 0, 10), put("p1", "a", 20, 30)),
                row("CAS double success: two swaps from the same value", VIOLATION,
                        put("p1", "a", 0, 10), cas("p2", "a", "b", 20, 40, true), cas("p3", "a", "c", 25, 45, true)),
                row("concurrent CASes from the same value: one swaps, one fails", LINEARIZABLE,
                        put("p1", "a", 0, 10), cas("p2", "a", "b", 20, 40, true), cas("p3", "a", "c", 25, 45, false),
                        get("p1", "b", 50, 60)),
                row("a CAS that failed although the value matched", VIOLATION,
                        put("p1", "a", 0, 10), cas("p2", "a", "b", 20, 30, false)),
                row("a CAS from absent creates the value", LINEARIZABLE,
                        cas("p1", null, "a", 0, 10, true), get("p2", "a", 20, 30)),
                row("UNKNOWN write that appears later", LINEARIZABLE,
                        put("p1", "a", 0, 10), putUnknown("p2", "b", 20), get("p3", "a", 30, 40), get("p3", "b", 1000, 1010)),
                row("UNKNOWN write that never appears", LINEARIZABLE,
                        put("p1", "a", 0, 10), putUnknown("p2", "b", 20), get("p3", "a", 30, 40), get("p3", "a", 1000, 1010)),
                row("UNKNOWN write that appears, then vanishes without another write", VIOLATION,
                        putUnknown("p2", "b", 0), get("p3", "b", 30, 40), get("p3", null, 50, 60)),
                row("UNKNOWN write seen before it was invoked", VIOLATION,
                        get("p3", "b", 0, 10), putUnknown("p2", "b", 20)),
                row("UNKNOWN CAS that took effect", LINEARIZABLE,
                        put("p1", "a", 0, 10), casUnknown("p2", "a", "b", 20), get("p3", "b", 30, 40)),
                row("UNKNOWN CAS that did not", LINEARIZABLE,
                        put("p1", "a", 0, 10), casUnknown("p2", "a", "b", 20), get("p3", "a", 30, 40)),
                row("UNKNOWN CAS whose compare could not hold, seen to take effect", VIOLATION,
                        put("p1", "a", 0, 10), put("p1", "c", 20, 30), casUnknown("p2", "a", "b", 40), get("p3", "b", 50, 60)),
                row("a FAILED write is never seen", LINEARIZABLE,
                        put("p1", "a", 0, 10), putFailed("p2", "b", 20, 30), get("p3", "a", 40, 50)),
                row("a FAILED write seen", VIOLATION,
                        put("p1", "a", 0, 10), putFailed("p2", "b", 20, 30), get("p3", "b", 40, 50)),
                row("an UNKNOWN read constrains nothing", LINEARIZABLE,
                        put("p1", "a", 0, 10), getUnknown("p2", 20), put("p1", "b", 30, 40)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("histories")
    void judgesClassicHistory(String story, Verdict.Result expected, List<RegisterOp> history) {
        List<Verdict> verdicts = LinearizabilityChecker.check(history, BUDGET);

        assertThat(verdicts).hasSize(1);
        Verdict verdict = verdicts.get(0);
        assertThat(verdict.result()).as(verdict.explanation()).isEqualTo(expected);
        assertThat(verdict.key()).isEqualTo(Ops.KEY);
        assertThat(verdict.operationsChecked()).isEqualTo(history.size());
        assertThat(BruteForceOracle.linearizable(history)).as("oracle").isEqualTo(expected == LINEARIZABLE);
        if (expected == VIOLATION) {
            assertThat(verdict.excerpt()).isNotEmpty();
            assertThat(BruteForceOracle.linearizable(verdict.excerpt())).as("excerpt alone linearizable: %s",
                    verdict.excerpt()).isFalse();
        } else {
            assertThat(verdict.excerpt()).isEmpty();
        }
    }

    private static Arguments row(String story, Verdict.Result expected, RegisterOp... history) {
        return Arguments.of(story, expected, List.of(history));
    }
}
