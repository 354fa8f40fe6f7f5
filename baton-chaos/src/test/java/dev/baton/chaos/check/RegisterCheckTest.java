package dev.baton.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.chaos.linear.RegisterOp;
import dev.baton.chaos.linear.RegisterOp.Kind;
import dev.baton.chaos.linear.RegisterOp.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RegisterCheckTest {

    private static RegisterOp put(String process, String value, long from, long to, Outcome outcome) {
        return new RegisterOp(process, "k", Kind.PUT, value, null, from, to, outcome, null);
    }

    private static RegisterOp get(String process, String observed, long from, long to) {
        return new RegisterOp(process, "k", Kind.GET, null, null, from, to, Outcome.OK, observed);
    }

    static Stream<Arguments> histories() {
        return Stream.of(
                Arguments.of("a read sees the write before it", List.of(
                        put("p0", "a", 0, 10, Outcome.OK), get("p1", "a", 20, 30)), 0),
                Arguments.of("a write with no answer may land later", List.of(
                        put("p0", "a", 0, 0, Outcome.UNKNOWN), get("p1", null, 20, 30), get("p1", "a", 40, 50)), 0),
                Arguments.of("a stale read after a completed write", List.of(
                        put("p0", "a", 0, 10, Outcome.OK), put("p0", "b", 20, 30, Outcome.OK),
                        get("p1", "a", 40, 50)), 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("histories")
    void judgesHistory(String story, List<RegisterOp> history, int violations) {
        CheckResult result = RegisterCheck.check(history, Duration.ofSeconds(5));

        assertThat(result.checked()).isEqualTo(history.size());
        assertThat(result.violations()).hasSize(violations);
    }
}
