package dev.baton.election;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.etcd.KeyValue;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CandidateOrderTest {

    /** Candidates named by key, created at the given revisions; listed in key order, as a range read returns them. */
    private static List<KeyValue> candidates(Object... keysAndRevisions) {
        KeyValue[] out = new KeyValue[keysAndRevisions.length / 2];
        for (int i = 0; i < out.length; i++) {
            long revision = (Integer) keysAndRevisions[2 * i + 1];
            out[i] = new KeyValue("e/" + keysAndRevisions[2 * i], new byte[0], revision, revision, 1, 1);
        }
        return Arrays.asList(out);
    }

    static Stream<Arguments> leader() {
        return Stream.of(
                Arguments.of(candidates(), null),
                Arguments.of(candidates("a", 7), "e/a"),
                Arguments.of(candidates("a", 9, "b", 4, "c", 6), "e/b"),
                Arguments.of(candidates("1f", 12, "2", 30), "e/1f"));
    }

    @ParameterizedTest
    @MethodSource
    void leader(List<KeyValue> candidates, String expected) {
        assertThat(CandidateOrder.leader(candidates).map(KeyValue::key)).isEqualTo(Optional.ofNullable(expected));
    }

    static Stream<Arguments> predecessor() {
        return Stream.of(
                Arguments.of(candidates("a", 5), 5L, null),
                Arguments.of(candidates("a", 5, "b", 8), 5L, null),
                Arguments.of(candidates("a", 5, "b", 8), 8L, "e/a"),
                Arguments.of(candidates("a", 9, "b", 4, "c", 6, "d", 12), 12L, "e/a"),
                Arguments.of(candidates("a", 9, "b", 4, "c", 6, "d", 12), 9L, "e/c"),
                Arguments.of(candidates("b", 4, "c", 6), 10L, "e/c"));
    }

    @ParameterizedTest
    @MethodSource
    void predecessor(List<KeyValue> candidates, long token, String expected) {
        assertThat(CandidateOrder.predecessor(candidates, token).map(KeyValue::key)).isEqualTo(Optional.ofNullable(expected));
    }
}
