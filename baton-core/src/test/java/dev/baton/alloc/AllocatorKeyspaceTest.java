package dev.baton.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.alloc.AllocatorKeyspace.KeyKind;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AllocatorKeyspaceTest {

    private final AllocatorKeyspace keys = new AllocatorKeyspace("ns/");

    @Test
    void layoutUnderTheNamespace() {
        assertThat(keys.root()).isEqualTo("ns/alloc/");
        assertThat(keys.item("i1")).isEqualTo("ns/alloc/items/i1");
        assertThat(keys.member("m1")).isEqualTo("ns/alloc/members/m1");
        assertThat(keys.assignment(new Assignment("i1", "m1"))).isEqualTo("ns/alloc/assign/i1/m1");
        assertThat(keys.itemAssignments("i1")).isEqualTo("ns/alloc/assign/i1/");
        assertThat(keys.election()).isEqualTo("ns/alloc/leader");
    }

    static Stream<Arguments> parsed() {
        return Stream.of(
                Arguments.of("ns/alloc/items/i1", new KeyKind.ItemKey("i1")),
                Arguments.of("ns/alloc/members/m-1", new KeyKind.MemberKey("m-1")),
                Arguments.of("ns/alloc/assign/i1/m1", new KeyKind.AssignmentKey(new Assignment("i1", "m1"))),
                Arguments.of("ns/alloc/leader/694d7e3a1b2c", new KeyKind.ElectionKey()));
    }

    @ParameterizedTest
    @MethodSource("parsed")
    void everyKeyParsesBackToItsKind(String key, KeyKind kind) {
        assertThat(keys.parse(key)).isEqualTo(kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ns/alloc/items/", "ns/alloc/items/a/b", "ns/alloc/members/", "ns/alloc/assign/i1",
        "ns/alloc/assign/i1/", "ns/alloc/assign/i1/m1/x", "ns/alloc/other"})
    void keysThatAreNoAllocatorKeyAreMalformedAndSayWhy(String key) {
        assertThat(keys.parse(key)).isInstanceOfSatisfying(KeyKind.Malformed.class, m -> {
            assertThat(m.key()).isEqualTo(key);
            assertThat(m.reason()).isNotBlank();
        });
    }

    @Test
    void aKeyOutsideTheRootIsAnError() {
        assertThatThrownBy(() -> keys.parse("ns/tasks/x")).hasMessageContaining("ns/tasks/x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "ns", "ns/\u0001/"})
    void aNamespaceMustBeAPrefixEndingInSlash(String namespace) {
        assertThatThrownBy(() -> new AllocatorKeyspace(namespace))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace");
    }

    @Test
    void idsThatWouldBreakTheLayoutAreRefused() {
        assertThatThrownBy(() -> keys.item("a/b")).hasMessageContaining("a/b");
        assertThatThrownBy(() -> keys.member(" ")).hasMessageContaining("member id");
    }
}
