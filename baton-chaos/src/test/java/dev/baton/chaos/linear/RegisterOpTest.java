package dev.baton.chaos.linear;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.baton.chaos.linear.RegisterOp.Kind;
import dev.baton.chaos.linear.RegisterOp.Outcome;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** An operation that cannot be judged is refused when it is made, naming itself. */
class RegisterOpTest {

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("no process", null, "k", Kind.PUT, "a", null, 0L, 1L, Outcome.OK, null, "no process"),
                Arguments.of("no key", "p1", null, Kind.PUT, "a", null, 0L, 1L, Outcome.OK, null, "no key"),
                Arguments.of("no kind", "p1", "k", null, "a", null, 0L, 1L, Outcome.OK, null, "no kind"),
                Arguments.of("no outcome", "p1", "k", Kind.PUT, "a", null, 0L, 1L, null, null, "no outcome"),
                Arguments.of("PUT without value", "p1", "k", Kind.PUT, null, null, 0L, 1L, Outcome.OK, null,
                        "a PUT needs a value"),
                Arguments.of("PUT with expected", "p1", "k", Kind.PUT, "a", "b", 0L, 1L, Outcome.OK, null,
                        "a PUT has no expected value"),
                Arguments.of("GET with value", "p1", "k", Kind.GET, "a", null, 0L, 1L, Outcome.OK, "a",
                        "a GET writes no value"),
                Arguments.of("FAILED GET observing", "p1", "k", Kind.GET, null, null, 0L, 1L, Outcome.FAILED, "a",
                        "only an OK GET observes"),
                Arguments.of("CAS without value", "p1", "k", Kind.CAS, null, "a", 0L, 1L, Outcome.OK, "true",
                        "a CAS needs a value"),
                Arguments.of("OK CAS without result", "p1", "k", Kind.CAS, "b", "a", 0L, 1L, Outcome.OK, null,
                        "an OK CAS observes"),
                Arguments.of("OK CAS with odd result", "p1", "k", Kind.CAS, "b", "a", 0L, 1L, Outcome.OK, "yes",
                        "an OK CAS observes"),
                Arguments.of("completed before invoked", "p1", "k", Kind.GET, null, null, 10L, 9L, Outcome.OK, null,
                        "completed before it was invoked"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refusesOperationThatCannotBeJudged(String story, String process, String key, Kind kind, String value,
            String expected, long invoked, long completed, Outcome outcome, String observed, String rule) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RegisterOp(process, key, kind, value, expected, invoked, completed, outcome, observed))
                .withMessageContaining(rule)
                .withMessageContaining(process == null ? "null" : process);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void acceptsOperation(String story, RegisterOp.Kind kind, String value, String expected, long completed,
            Outcome outcome, String observed) {
        assertThatCode(() -> new RegisterOp("p1", "k", kind, value, expected, 10, completed, outcome, observed))
                .doesNotThrowAnyException();
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("UNKNOWN ignores its completion time", Kind.PUT, "a", null, 0L, Outcome.UNKNOWN, null),
                Arguments.of("GET of absent", Kind.GET, null, null, 20L, Outcome.OK, null),
                Arguments.of("CAS from absent", Kind.CAS, "a", null, 20L, Outcome.OK, "false"),
                Arguments.of("FAILED CAS", Kind.CAS, "a", "b", 20L, Outcome.FAILED, null),
                Arguments.of("instant operation", Kind.PUT, "a", null, 10L, Outcome.OK, null));
    }
}
