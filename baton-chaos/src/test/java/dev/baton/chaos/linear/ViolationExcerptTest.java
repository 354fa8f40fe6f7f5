package dev.baton.chaos.linear;

import static dev.baton.chaos.linear.Ops.cas;
import static dev.baton.chaos.linear.Ops.get;
import static dev.baton.chaos.linear.Ops.put;
import static dev.baton.chaos.linear.Ops.putFailed;
import static dev.baton.chaos.linear.Ops.putUnknown;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a violation shows: the few operations that prove it, and words that say why. */
class ViolationExcerptTest {

    private static Verdict judge(RegisterOp... history) {
        Verdict verdict = LinearizabilityChecker.check(List.of(history), Duration.ofSeconds(30)).get(0);
        assertThat(verdict.result()).isEqualTo(Verdict.Result.VIOLATION);
        return verdict;
    }

    @Test
    void staleReadShowsTheOverwritingWriteAndTheRead() {
        RegisterOp overwrite = put("p2", "b", 20, 30);
        RegisterOp staleRead = get("p3", "a", 40, 50);

        Verdict verdict = judge(put("p1", "a", 0, 10), overwrite, staleRead, put("p1", "c", 60, 70),
                get("p2", "c", 80, 90));

        assertThat(verdict.excerpt()).containsExactly(overwrite, staleRead);
        assertThat(verdict.explanation()).contains("whatever value it held before them")
                .contains("earliest response that cannot be explained is " + staleRead);
    }

    @Test
    void historyIsCutAtTheFirstResponseThatCannotBeExplained() {
        RegisterOp staleRead = get("p3", "a", 40, 50);

        Verdict verdict = judge(put("p1", "a", 0, 10), put("p2", "b", 20, 30), staleRead,
                get("p1", "a", 60, 70), get("p2", "a", 80, 90));

        assertThat(verdict.excerpt()).last().isEqualTo(staleRead);
    }

    @Test
    void readsThatTakeNoPartAreLeftOut() {
        RegisterOp doubleSwapA = cas("p2", "a", "b", 20, 40, true);
        RegisterOp doubleSwapB = cas("p3", "a", "c", 25, 45, true);

        Verdict verdict = judge(put("p1", "a", 0, 10), get("p4", "a", 12, 35), doubleSwapA,
                get("p5", "a", 21, 22), doubleSwapB, get("p1", "a", 26, 30));

        assertThat(verdict.excerpt()).contains(doubleSwapA, doubleSwapB)
                .noneMatch(op -> op.kind() == RegisterOp.Kind.GET);
        assertThat(BruteForceOracle.linearizable(verdict.excerpt())).isFalse();
    }

    @Test
    void readOfAValueOnlyAFailedWriteCarriedShowsThatWrite() {
        RegisterOp failed = putFailed("p2", "b", 20, 30);
        RegisterOp read = get("p3", "b", 40, 50);

        Verdict verdict = judge(put("p1", "a", 0, 10), failed, read);

        assertThat(verdict.excerpt()).containsExactly(failed, read);
        assertThat(verdict.explanation()).contains("no operation wrote").contains("failed");
    }

    @Test
    void readOfAValueBeforeItsWriteShowsTheLateWrite() {
        RegisterOp read = get("p3", "b", 0, 10);
        RegisterOp lateWrite = putUnknown("p2", "b", 20);

        Verdict verdict = judge(put("p1", "a", 0, 5), read, lateWrite);

        assertThat(verdict.excerpt()).containsExactly(read, lateWrite);
        assertThat(verdict.explanation()).contains("invoked only after that response");
    }

    @Test
    void explanationNamesTheLongestValidOrderAndWhatBlockedIt() {
        RegisterOp write = put("p1", "a", 0, 10);
        RegisterOp read = get("p2", null, 20, 30);

        Verdict verdict = judge(write, read);

        assertThat(verdict.excerpt()).containsExactly(write, read);
        assertThat(verdict.explanation()).contains("which starts absent")
                .contains("The longest valid order places 1 of them, leaving the register \"a\"")
                .endsWith("no operation that could come next leads on: " + read + ".");
    }

    @Test
    void slowWriteStillPendingAtTheCutMayStartTheExcerptFromAnyValue() {
        Verdict verdict = judge(put("p1", "a", 0, 100), get("p2", "a", 10, 20), get("p2", null, 30, 40));

        assertThat(verdict.excerpt()).hasSize(3);
        assertThat(verdict.explanation()).contains("whatever value it held before them");
    }
}
