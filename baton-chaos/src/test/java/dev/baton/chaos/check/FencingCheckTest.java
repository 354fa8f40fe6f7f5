package dev.baton.chaos.check;

import static dev.baton.chaos.check.Histories.leader;
import static dev.baton.chaos.check.Histories.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.chaos.history.LedgerEntry;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FencingCheckTest {

    static Stream<Arguments> histories() {
        return Stream.of(
                Arguments.of("one owner after another", List.of(
                        task("a", 5, "w0-0", 0, false, 6), task("a", 5, "w0-0", 1, false, 7),
                        task("a", 9, "w1-0", 0, false, 10), task("a", 9, "w1-0", 1, true, 11)), List.of()),
                Arguments.of("writes listed out of revision order are sorted first", List.of(
                        task("a", 9, "w1-0", 0, false, 10), task("a", 5, "w0-0", 0, false, 6)), List.of()),
                Arguments.of("a stale owner writes after its successor", List.of(
                        task("a", 5, "w0-0", 0, false, 6), task("a", 9, "w1-0", 0, false, 10),
                        task("a", 5, "w0-0", 1, false, 12)), List.of("token went backwards")),
                Arguments.of("a deposed leader writes after its successor", List.of(
                        leader(3, "w0-0", 4), leader(20, "w2-0", 21), leader(3, "w0-0", 22)),
                        List.of("token went backwards")),
                Arguments.of("two members share one token", List.of(
                        task("a", 5, "w0-0", 0, false, 6), task("a", 5, "w1-0", 0, false, 7)),
                        List.of("used by two members")),
                Arguments.of("a token newer than its write", List.of(task("a", 8, "w0-0", 0, false, 8)),
                        List.of("did not exist yet")),
                Arguments.of("tasks are judged apart: each has its own tokens", List.of(
                        task("a", 9, "w0-0", 0, false, 10), task("b", 5, "w1-0", 0, false, 11)), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("histories")
    void judgesHistory(String story, List<LedgerEntry> ledger, List<String> expected) {
        CheckResult result = FencingCheck.check(ledger);

        assertThat(result.checked()).isEqualTo(ledger.size());
        assertThat(result.violations()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(result.violations().get(i).summary()).contains(expected.get(i));
            assertThat(result.violations().get(i).excerpt()).isNotEmpty();
        }
    }
}
