package dev.baton.chaos.check;

import static dev.baton.chaos.check.Histories.delete;
import static dev.baton.chaos.check.Histories.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.chaos.history.StoreEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AllocationCheckTest {

    private static final String NS = "chaos/alloc/";
    private static final long A = 0xa;
    private static final long B = 0xb;
    private static final long C = 0xc;

    /** Item x wants 2 replicas; members a, b, c of capacity 1; x ready on a and b. */
    private static List<StoreEvent> steady() {
        return new ArrayList<>(List.of(
                put(1, NS + "items/x", "{\"replicas\":2}", 0),
                put(2, NS + "members/a", "{\"zone\":\"z0\",\"capacity\":1,\"exiting\":false}", A),
                put(3, NS + "members/b", "{\"zone\":\"z1\",\"capacity\":1,\"exiting\":false}", B),
                put(4, NS + "members/c", "{\"zone\":\"z2\",\"capacity\":1,\"exiting\":false}", C),
                put(5, NS + "assign/x/a", "", A),
                put(6, NS + "assign/x/b", "", B),
                put(7, NS + "assign/x/a", "ready", A),
                put(8, NS + "assign/x/b", "ready", B)));
    }

    private static List<StoreEvent> steadyThen(StoreEvent... more) {
        List<StoreEvent> events = steady();
        events.addAll(List.of(more));
        return events;
    }

    static Stream<Arguments> histories() {
        return Stream.of(
                Arguments.of("steady state", steady(), List.of()),
                Arguments.of("a safe move: c added and ready before a is removed", steadyThen(
                        put(9, NS + "members/a", "{\"zone\":\"z0\",\"capacity\":1,\"exiting\":true}", A),
                        put(10, NS + "assign/x/c", "", C),
                        put(11, NS + "assign/x/c", "ready", C),
                        delete(12, NS + "assign/x/a", A)), List.of()),
                Arguments.of("an unsafe move: a removed before c is ready", steadyThen(
                        put(10, NS + "assign/x/c", "", C),
                        delete(11, NS + "assign/x/a", A)), List.of("left item x with 1 ready replicas; 2 were required")),
                Arguments.of("a crash is not a planned move: the lease takes member and assignment at once", steadyThen(
                        delete(9, NS + "members/a", A), delete(9, NS + "assign/x/a", A)), List.of()),
                Arguments.of("an orphan of an old lease does not count against capacity", steadyThen(
                        delete(9, NS + "members/c", C),
                        put(10, NS + "members/c", "{\"zone\":\"z2\",\"capacity\":1,\"exiting\":false}", 0xd),
                        put(11, NS + "items/y", "{\"replicas\":1}", 0),
                        put(12, NS + "assign/y/c", "", C),
                        put(13, NS + "assign/x/c", "", 0xd)), List.of()),
                Arguments.of("over capacity", steadyThen(
                        put(9, NS + "items/y", "{\"replicas\":1}", 0),
                        put(10, NS + "assign/y/a", "", A)), List.of("over its capacity 1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("histories")
    void judgesHistory(String story, List<StoreEvent> events, List<String> expected) {
        CheckResult result = AllocationCheck.check(NS, events);

        assertThat(result.violations()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(result.violations().get(i).summary()).contains(expected.get(i));
            assertThat(result.violations().get(i).excerpt()).isNotEmpty();
        }
    }
}
