package dev.baton.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointsTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1:2379, http://127.0.0.1:2379",
        "http://127.0.0.1:2379, http://127.0.0.1:2379",
        "' localhost:1 ', http://localhost:1",
        "http://etcd-0.example:65535/, http://etcd-0.example:65535",
        "https://etcd-0.example:2379, https://etcd-0.example:2379",
    })
    void acceptsHostPortWithOrWithoutScheme(String input, String expected) {
        assertThat(Endpoints.parse(input)).containsExactly(URI.create(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "localhost", "localhost:0", "localhost:70000", "ftp://h:1", "http://h:1/path",
        "a:1,,b:2", "http://:1"})
    void rejectsMalformedEndpointsNamingTheValue(String input) {
        assertThatThrownBy(() -> Endpoints.parse(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("endpoint");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "ftp://h:1", "localhost:70000"})
    void errorQuotesTheOffendingEndpoint(String input) {
        assertThatThrownBy(() -> Endpoints.parse("ok:1," + input)).hasMessageContaining("\"" + input + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a:1,b:2,c:3"})
    void parsesCommaSeparatedLists(String input) {
        assertThat(Endpoints.parse(input)).hasSize(3);
    }
}
