package dev.baton.bench.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import java.util.stream.Stream;

class MinimumMovesTest {

    static Stream<Arguments> changes() {
        return Stream.of(
                // a sixth member joins five holding 10,010: each keeps 1,669 or 1,668
                Arguments.of("join, uneven", List.of(2002, 2002, 2002, 2002, 2002), 10_010, 6, 1668),
                Arguments.of("join, even", List.of(2000, 2000, 2000, 2000, 2000), 10_000, 6, 1666),
                // one of six leaves: its 1,667 move, the five survivors may keep what they have
                Arguments.of("leave", List.of(1667, 1667, 1667, 1667, 1666), 10_000, 5, 1666),
                Arguments.of("already balanced", List.of(3, 3, 4), 10, 3, 0),
                // spare slots go to the fullest, so only the surplus beyond them moves
                Arguments.of("unbalanced, nobody joins", List.of(7, 2, 1), 10, 3, 3),
                Arguments.of("from nothing", List.of(), 9, 3, 9),
                Arguments.of("join and leave at once", List.of(5, 5), 15, 3, 5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void fewestMovesFromCounts(String change, List<Integer> held, int total, int membersAfter, int expected) {
        assertThat(MinimumMoves.of(held, total, membersAfter)).isEqualTo(expected);
    }

    @Test
    void moreSurvivorsThanMembersAfterIsAnError() {
        assertThatThrownBy(() -> MinimumMoves.of(List.of(1, 1, 1), 3, 2)).hasMessageContaining("2 members after");
    }

    @Test
    void survivorsHoldingMoreThanTheTotalIsAnError() {
        assertThatThrownBy(() -> MinimumMoves.of(List.of(6, 6), 10, 2)).hasMessageContaining("hold 12 tasks of 10");
    }
}
