package dev.baton.bench.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrialTallyTest {

    @Test
    void warmUpTrialsOfEachSystemAreNotCounted() {
        TrialTally tally = new TrialTally(List.of("a", "b"), 2, 1);

        tally.record("a", 100);
        tally.record("b", 200);
        tally.record("a", 11);
        tally.record("a", 12);

        assertThat(tally.samples("a")).containsExactly(11, 12);
        assertThat(tally.samples("b")).isEmpty();
    }

    @Test
    void pendingListsSystemsThatNeedTrialsInTheirOrder() {
        TrialTally tally = new TrialTally(List.of("a", "b", "c"), 1, 0);
        assertThat(tally.pending()).containsExactly("a", "b", "c");

        tally.record("b", 1);

        assertThat(tally.pending()).containsExactly("a", "c");
        assertThat(tally.done()).isFalse();
        tally.record("a", 1);
        tally.record("c", 1);
        assertThat(tally.done()).isTrue();
    }

    @Test
    void failuresAreCountedApartFromSamples() {
        TrialTally tally = new TrialTally(List.of("a"), 2, 0);

        tally.fail("a", new IllegalStateException("lost"));
        tally.record("a", 5);

        assertThat(tally.failures("a")).isEqualTo(1);
        assertThat(tally.samples("a")).containsExactly(5);
        assertThat(tally.pending()).containsExactly("a");
    }

    @Test
    void moreFailuresThanTrialsStopTheRun() {
        TrialTally tally = new TrialTally(List.of("a"), 2, 0);
        tally.fail("a", new IllegalStateException("first"));
        tally.fail("a", new IllegalStateException("second"));

        assertThatThrownBy(() -> tally.fail("a", new IllegalStateException("third")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'a' failed 3 trials")
                .hasRootCauseMessage("third");
    }

    @Test
    void aSampleBeyondTheTrialsWantedIsAnError() {
        TrialTally tally = new TrialTally(List.of("a"), 1, 0);
        tally.record("a", 1);

        assertThatThrownBy(() -> tally.record("a", 2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already has its 1 trials");
    }

    @Test
    void badArgumentsNameTheBadValue() {
        assertThatThrownBy(() -> new TrialTally(List.of(), 1, 0)).hasMessageContaining("no systems");
        assertThatThrownBy(() -> new TrialTally(List.of("a"), 0, 0)).hasMessageContaining("got 0");
        assertThatThrownBy(() -> new TrialTally(List.of("a"), 1, -1)).hasMessageContaining("got -1");
        assertThatThrownBy(() -> new TrialTally(List.of("a", "a"), 1, 0)).hasMessageContaining("'a' is listed twice");
        assertThatThrownBy(() -> new TrialTally(List.of("a"), 1, 0).record("z", 1))
                .hasMessageContaining("unknown system 'z'");
    }
}
