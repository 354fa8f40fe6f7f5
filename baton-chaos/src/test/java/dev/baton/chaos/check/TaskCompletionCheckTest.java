package dev.baton.chaos.check;

import static dev.baton.chaos.check.Histories.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.chaos.history.LedgerEntry;
import dev.baton.chaos.history.TaskRecord;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaskCompletionCheckTest {

    private static final List<LedgerEntry> FINISHED = List.of(
            task("a", 5, "w0-0", 0, false, 6), task("a", 5, "w0-0", 1, true, 7));

    static Stream<Arguments> histories() {
        return Stream.of(
                Arguments.of("finished, then retired", List.of(TaskRecord.done("a", "completed", 8)), FINISHED,
                        List.of()),
                Arguments.of("finished by a second run after the first was cut short",
                        List.of(TaskRecord.done("a", "completed", 12)), List.of(
                                task("a", 5, "w0-0", 0, false, 6), task("a", 10, "w1-0", 0, false, 10),
                                task("a", 10, "w1-0", 1, true, 11)), List.of()),
                Arguments.of("never completed", List.of(TaskRecord.pending("a")), FINISHED,
                        List.of("never completed")),
                Arguments.of("lost without a single run", List.of(TaskRecord.pending("b")), List.of(),
                        List.of("never completed")),
                Arguments.of("ended failed", List.of(TaskRecord.done("a", "failed", 8)), FINISHED,
                        List.of("ended failed")),
                Arguments.of("retired before its work was finished", List.of(TaskRecord.done("a", "completed", 7)),
                        FINISHED, List.of("before any run finished")),
                Arguments.of("run again after completion", List.of(TaskRecord.done("a", "completed", 8)),
                        List.of(FINISHED.get(0), FINISHED.get(1), task("a", 9, "w1-0", 0, false, 10)),
                        List.of("ran again after it was completed")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("histories")
    void judgesHistory(String story, List<TaskRecord> tasks, List<LedgerEntry> ledger, List<String> expected) {
        CheckResult result = TaskCompletionCheck.check(tasks, ledger);

        assertThat(result.checked()).isEqualTo(tasks.size());
        assertThat(result.violations()).extracting(Violation::summary).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(result.violations().get(i).summary()).contains(expected.get(i));
        }
    }
}
