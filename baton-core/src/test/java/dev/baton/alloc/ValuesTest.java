package dev.baton.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.alloc.solver.AllocationSolver;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a/b", "/", "tab\there"})
    void badIdsAreRejectedWithTheValueInTheMessage(String id) {
        assertThatThrownBy(() -> new Item(id, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("item id must not");
        assertThatThrownBy(() -> new Member(id, "z", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("member id must not");
        assertThatThrownBy(() -> new Assignment("i", id)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("assignment member id must not");
    }

    @Test
    void slashInAnIdNamesTheId() {
        assertThatThrownBy(() -> new Item("orders/7", 3)).hasMessage("item id must not contain '/', got 'orders/7'");
    }

    @Test
    void nullIdsAreRejected() {
        assertThatThrownBy(() -> new Item(null, 1)).hasMessage("item id must not be null");
        assertThatThrownBy(() -> new Member("m", null, 1)).hasMessage("zone of member 'm' must not be null");
    }

    @Test
    void negativeCountsNameTheOwner() {
        assertThatThrownBy(() -> new Item("orders", -1)).hasMessage("item 'orders' replicas must be >= 0, got -1");
        assertThatThrownBy(() -> new Member("m1", "z", -2)).hasMessage("member 'm1' capacity must be >= 0, got -2");
    }

    @Test
    void badZoneNamesTheMember() {
        assertThatThrownBy(() -> new Member("m1", "eu/west", 1))
                .hasMessage("zone of member 'm1' must not contain '/', got 'eu/west'");
    }

    @Test
    void exitingMemberHasNoEffectiveCapacity() {
        assertThat(new Member("m", "z", 5, true).effectiveCapacity()).isZero();
        assertThat(new Member("m", "z", 5).effectiveCapacity()).isEqualTo(5);
    }

    @Test
    void assignmentsOrderByItemThenMember() {
        assertThat(List.of(new Assignment("b", "m1"), new Assignment("a", "m2"), new Assignment("a", "m1")).stream().sorted())
                .containsExactly(new Assignment("a", "m1"), new Assignment("a", "m2"), new Assignment("b", "m1"));
    }

    @Test
    void duplicateIdsAreRejectedBySolver() {
        assertThatThrownBy(() -> AllocationSolver.solve(List.of(new Item("x", 1), new Item("x", 2)),
                List.of(new Member("m", "z", 1)), List.of())).hasMessage("duplicate item id 'x'");
        assertThatThrownBy(() -> AllocationSolver.solve(List.of(new Item("x", 1)),
                List.of(new Member("m", "z", 1), new Member("m", "y", 1)), List.of())).hasMessage("duplicate member id 'm'");
    }
}
