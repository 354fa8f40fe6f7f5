package dev.baton.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ElectionPrefixTest {

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("leader", "leader/", "leader/694d7b1a2c3d4e5f"),
                Arguments.of("/services/curator", "/services/curator/", "/services/curator/694d7b1a2c3d4e5f"),
                Arguments.of("a b", "a b/", "a b/694d7b1a2c3d4e5f"),
                Arguments.of("élection-😀", "élection-😀/", "élection-😀/694d7b1a2c3d4e5f"));
    }

    @ParameterizedTest
    @MethodSource
    void accepted(String name, String candidates, String candidateKey) {
        ElectionPrefix prefix = ElectionPrefix.of(name);

        assertThat(prefix.name()).isEqualTo(name);
        assertThat(prefix.candidates()).isEqualTo(candidates);
        assertThat(prefix.candidateKey(0x694d7b1a2c3d4e5fL)).isEqualTo(candidateKey);
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of(null, "must not be null"),
                Arguments.of("", "must not be blank, got \"\""),
                Arguments.of("   ", "must not be blank, got \"   \""),
                Arguments.of(" leader", "whitespace, got \" leader\""),
                Arguments.of("leader/", "must not end in '/' (candidate keys add it), got \"leader/\""),
                Arguments.of("/", "must not end in '/'"),
                Arguments.of("lea\u0000der", "control characters, got \"lea\\u0000der\" (U+0000 at index 3)"),
                Arguments.of("leader\nx", "control characters, got \"leader\\u000ax\" (U+000A at index 6)"),
                Arguments.of("a\u007f", "U+007F at index 1"),
                Arguments.of("a\ud800b", "unpaired surrogate U+D800 at index 1"),
                Arguments.of("x".repeat(4097), "4097 bytes in UTF-8, over the limit of 4096"));
    }

    @ParameterizedTest
    @MethodSource
    void rejected(String name, String message) {
        assertThatThrownBy(() -> ElectionPrefix.of(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
