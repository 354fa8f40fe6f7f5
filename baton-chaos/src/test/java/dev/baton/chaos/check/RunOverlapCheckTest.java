package dev.baton.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.chaos.history.ProcessRun;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Times in ms. */
class RunOverlapCheckTest {

    private static ProcessRun run(String task, long token, long fromMillis, long toMillis) {
        return new ProcessRun(task, token, 1000 + token, fromMillis * 1_000_000, toMillis * 1_000_000);
    }

    static Stream<Arguments> histories() {
        return Stream.of(
                Arguments.of("one run a task", List.of(run("t0", 1, 0, 6_000), run("t1", 2, 0, 6_000)),
                        List.of(), "2 tasks, 0 of them run again after their first run ended"),
                Arguments.of("the killed run ended before the takeover",
                        List.of(run("t0", 1, 0, 1_000), run("t0", 5, 4_200, 10_200)), List.of(),
                        "1 tasks, 1 of them run again after their first run ended; the closest start of a run "
                                + "after the last heartbeat of the one before: 3200 ms"),
                Arguments.of("an orphan outlived its worker into the takeover",
                        List.of(run("t0", 1, 0, 6_000), run("t0", 5, 4_200, 10_200)),
                        List.of("two runs of t0 were alive at once for 1800 ms"), "1 tasks, 1 of them"),
                Arguments.of("spans that touch overlap", List.of(run("t0", 1, 0, 4_200), run("t0", 5, 4_200, 9_000)),
                        List.of("two runs of t0 were alive at once for 0 ms"), "1 of them"),
                Arguments.of("a late start does not hide an overlap with the first of three",
                        List.of(run("t0", 9, 9_000, 12_000), run("t0", 1, 0, 10_000), run("t0", 5, 4_200, 5_000)),
                        List.of("two runs of t0 were alive at once for 800 ms",
                                "two runs of t0 were alive at once for 1000 ms"), "1 of them"),
                Arguments.of("runs of different tasks may overlap", List.of(run("t0", 1, 0, 6_000),
                        run("t1", 2, 1_000, 7_000)), List.of(), "2 tasks, 0 of them"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("histories")
    void judgesWhetherTwoRunsOfATaskWereAliveAtOnce(String story, List<ProcessRun> runs, List<String> expected,
                                                   String notes) {
        CheckResult result = RunOverlapCheck.check(runs);

        assertThat(result.checked()).isEqualTo(runs.size());
        assertThat(result.notes()).contains(notes);
        assertThat(result.violations()).extracting(Violation::summary).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(result.violations().get(i).summary()).isEqualTo(expected.get(i));
            assertThat(result.violations().get(i).excerpt()).hasSize(2);
        }
    }

    @Test
    void refusesARunThatEndsBeforeItStarts() {
        assertThatThrownBy(() -> run("t0", 1, 5, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("t0");
    }
}
