package dev.baton.chaos.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The search gives up with UNKNOWN rather than running on; bad arguments are refused. */
class BudgetTest {

    @Test
    void searchThatOutrunsItsBudgetIsUnknown() {
        List<RegisterOp> history = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            history.add(Ops.put("p1", "v" + i, 10L * i, 10L * i + 5));
        }

        Verdict verdict = LinearizabilityChecker.check(history, Duration.ofNanos(1)).get(0);

        assertThat(verdict.result()).isEqualTo(Verdict.Result.UNKNOWN);
        assertThat(verdict.excerpt()).isEmpty();
        assertThat(verdict.operationsChecked()).isEqualTo(20_000);
        assertThat(verdict.explanation()).contains("budget");
    }

    @Test
    void oneVerdictPerKeyInKeyOrder() {
        List<RegisterOp> history = List.of(
                Ops.onKey(Ops.put("p1", "a", 0, 10), "b-key"),
                Ops.onKey(Ops.put("p1", "b", 0, 10), "a-key"),
                Ops.onKey(Ops.get("p2", "a", 20, 30), "b-key"));

        List<Verdict> verdicts = LinearizabilityChecker.check(history, Duration.ofSeconds(5));

        assertThat(verdicts).extracting(Verdict::key).containsExactly("a-key", "b-key");
        assertThat(verdicts).extracting(Verdict::operationsChecked).containsExactly(1L, 2L);
    }

    @Test
    void emptyHistoryHasNoVerdicts() {
        assertThat(LinearizabilityChecker.check(List.of(), Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void refusesANullOperationByItsPosition() {
        List<RegisterOp> history = new ArrayList<>();
        history.add(Ops.put("p1", "a", 0, 10));
        history.add(null);

        assertThatIllegalArgumentException().isThrownBy(() -> LinearizabilityChecker.check(history, Duration.ofSeconds(1)))
                .withMessageContaining("operation 1");
    }

    @Test
    void refusesABudgetThatIsNotPositive() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LinearizabilityChecker.check(List.of(), Duration.ZERO))
                .withMessageContaining("PT0S");
    }
}
