package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoInstantTest {

    @Property(tries = 2000)
    void readsEveryInstantAsItsOwnTextSays(@ForAll("instants") Instant instant) {
        assertThat(IsoInstant.parse(instant.toString())).isEqualTo(instant);
    }

    @Property(tries = 3000)
    void writesEveryInstantAsInstantToStringDoes(@ForAll("anyInstants") Instant instant) {
        assertThat(IsoInstant.format(instant)).isEqualTo(instant.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "-0001-12-31T23:59:59Z",
            "+10000-01-01T00:00:00Z", "1970-01-01T00:00:00.000001Z", "2024-02-29T12:00:00.100Z"})
    void writesTheEdgesAsInstantToStringDoes(String text) {
        Instant instant = Instant.parse(text);
        assertThat(IsoInstant.format(instant)).isEqualTo(instant.toString());
    }

    @Property(tries = 3000)
    void acceptsAndRefusesExactlyWhatInstantParseDoes(@ForAll("nearlyInstants") String text) {
        Instant expected;
        try {
            expected = Instant.parse(text);
        } catch (DateTimeParseException e) {
            assertThatThrownBy(() -> IsoInstant.parse(text)).isInstanceOf(DateTimeParseException.class);
            return;
        }
        assertThat(IsoInstant.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-02-29T23:59:59Z", "2024-01-31T12:00:00.5Z", "2024-01-31t12:00:00z",
            "2016-12-31T23:59:60Z", "2024-01-31T24:00:00Z", "0000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
            "2024-01-31T12:00:00.123456789Z", "2024-01-31T12:00:00.Z"})
    void agreesWithInstantParseOnItsEdges(String text) {
        assertThat(IsoInstant.parse(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-31T12:60:00Z",
            "2024-01-31T12:00:00.1234567890Z", "2024-01-31 12:00:00Z", "2024-01-31T12:00:00",
            "２０２４-01-31T12:00:00Z", ""})
    void refusesWhatInstantParseRefuses(String text) {
        assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> IsoInstant.parse(text)).isInstanceOf(DateTimeParseException.class);
    }

    @Provide
    Arbitrary<Instant> instants() {
        Arbitrary<Long> seconds = Arbitraries.longs().between(Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(),
                Instant.parse("9999-12-31T23:59:59Z").getEpochSecond());
        Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999)
                .map(millis -> millis * 1_000_000), Arbitraries.integers().between(0, 999_999_999));
        return seconds.flatMap(second -> nanos.map(nano -> Instant.ofEpochSecond(second, nano)));
    }

    /** Instants of the fast range, micro- and millisecond ones more often, and some far outside it. */
    @Provide
    Arbitrary<Instant> anyInstants() {
        Arbitrary<Instant> micros = instants().map(instant -> instant.minusNanos(instant.getNano() % 1_000));
        Arbitrary<Instant> far = Arbitraries.longs().between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond())
                .map(Instant::ofEpochSecond);
        return Arbitraries.oneOf(instants(), micros, far);
    }

    /** Canonical instants with one character replaced, dropped or repeated. */
    @Provide
    Arbitrary<String> nearlyInstants() {
        Arbitrary<Character> replacement = Arbitraries.of('0', '1', '2', '3', '5', '9', '-', ':', '.', 'T', 'Z', 't',
                'z', ' ', '+', '٣');
        return instants().map(Instant::toString).flatMap(text -> Arbitraries.integers().between(0, text.length() - 1)
                .flatMap(at -> Arbitraries.integers().between(0, 2).flatMap(how -> replacement.map(c -> switch (how) {
                    case 0 -> text.substring(0, at) + c + text.substring(at + 1);
                    case 1 -> text.substring(0, at) + text.substring(at + 1);
                    default -> text.substring(0, at) + text.charAt(at) + text.substring(at);
                }))));
    }
}
