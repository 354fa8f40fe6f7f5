package dev.baton.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.chaos.history.CacheLine;
import dev.baton.chaos.history.CacheReport;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CacheCheckTest {

    private static CacheLine added(long revision, String key, String value) {
        return new CacheLine("ADDED", key, revision, CacheLine.NONE, value);
    }

    private static CacheLine changed(long revision, String key, String from, String to) {
        return new CacheLine("CHANGED", key, revision, from, to);
    }

    private static CacheLine removed(long revision, String key, String from) {
        return new CacheLine("REMOVED", key, revision, from, CacheLine.NONE);
    }

    private static CacheLine resynced(long revision) {
        return new CacheLine("RESYNCED", CacheLine.NONE, revision, CacheLine.NONE, CacheLine.NONE);
    }

    private static CacheReport killed(CacheLine... events) {
        return new CacheReport("w0-0", List.of(events), false, events.length, 0, Map.of(), Map.of());
    }

    private static CacheReport quiesced(Map<String, String> contents, Map<String, String> store, CacheLine... events) {
        return new CacheReport("w0-1", List.of(events), true, events.length, 9, contents, store);
    }

    static Stream<Arguments> histories() {
        return Stream.of(
                Arguments.of("load, changes, a resync that reports a difference", killed(
                        added(2, "k", "v1"), resynced(2), changed(4, "k", "v1", "v2"), removed(6, "k", "v2"),
                        added(8, "j", "w"), resynced(8)), List.of()),
                Arguments.of("events out of order", killed(added(5, "k", "v"), added(3, "j", "w")),
                        List.of("out of order")),
                Arguments.of("the same change twice", killed(added(2, "k", "v1"), changed(4, "k", "v1", "v2"),
                        changed(4, "k", "v2", "v2")), List.of("repeated event")),
                Arguments.of("a missed change", killed(added(2, "k", "v1"), changed(6, "k", "v2", "v3")),
                        List.of("a gap on k")),
                Arguments.of("a missed delete", killed(added(2, "k", "v1"), added(6, "k", "v2")),
                        List.of("a gap on k")),
                Arguments.of("equal to the store at quiescence", quiesced(Map.of("k", "v2"), Map.of("k", "v2"),
                        added(2, "k", "v1"), changed(4, "k", "v1", "v2")), List.of()),
                Arguments.of("events delivered after the report are not part of it", new CacheReport("w0-1",
                        List.of(added(2, "k", "v1"), changed(12, "k", "v1", "v2")), true, 1, 9, Map.of("k", "v1"),
                        Map.of("k", "v1")), List.of()),
                Arguments.of("contents differ from the events delivered", quiesced(Map.of("k", "v9"), Map.of("k", "v9"),
                        added(2, "k", "v1")), List.of("replayed events differ")),
                Arguments.of("contents differ from the store", quiesced(Map.of("k", "v1"), Map.of("k", "v1", "j", "w"),
                        added(2, "k", "v1")), List.of("reported contents differ from the store")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("histories")
    void judgesHistory(String story, CacheReport report, List<String> expected) {
        CheckResult result = CacheCheck.check(List.of(report));

        assertThat(result.checked()).isEqualTo(report.events().size());
        assertThat(result.violations()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(result.violations().get(i).summary()).contains(expected.get(i));
            assertThat(result.violations().get(i).excerpt()).isNotEmpty();
        }
    }
}
