package dev.baton.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a listener receives for a sequence of changes that queued up while it was busy. */
class PendingChangesTest {
    private static final DecodeError BAD = new DecodeError("k/a", 0, 3, new IllegalArgumentException("bad"));

    private static KeyChange<String> change(String key, String before, String after, long revision) {
        return new KeyChange<>(key, before, after, null, revision);
    }

    private static KeyChange<String> failed(String key, String before, long revision) {
        return new KeyChange<>(key, before, null, BAD, revision);
    }

    /** A RESYNCED marker at {@code revision}. */
    private static Long marker(long revision) {
        return revision;
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("a change alone is delivered as is",
                        List.of(change("a", null, "1", 5)),
                        List.of("ADDED a null->1 @5")),
                Arguments.of("added then removed is nothing",
                        List.of(change("a", null, "1", 5), change("a", "1", null, 6)),
                        List.of()),
                Arguments.of("changed twice is one change from the oldest to the newest value",
                        List.of(change("a", "1", "2", 5), change("a", "2", "3", 6)),
                        List.of("CHANGED a 1->3 @6")),
                Arguments.of("removed then added again is a change",
                        List.of(change("a", "1", null, 5), change("a", null, "2", 6)),
                        List.of("CHANGED a 1->2 @6")),
                Arguments.of("added then changed is an addition of the newest value",
                        List.of(change("a", null, "1", 5), change("a", "1", "2", 6)),
                        List.of("ADDED a null->2 @6")),
                Arguments.of("keys leave in the order of their newest revision",
                        List.of(change("a", null, "1", 1), change("b", null, "1", 2), change("a", "1", "2", 3)),
                        List.of("ADDED b null->1 @2", "ADDED a null->2 @3")),
                Arguments.of("a decode failure of a seen key carries the value the listener saw",
                        List.of(change("a", "1", "2", 5), failed("a", "2", 6)),
                        List.of("DECODE_FAILED a 1->null @6")),
                Arguments.of("a good value after a queued decode failure is a plain change",
                        List.of(failed("a", "1", 5), change("a", null, "3", 6)),
                        List.of("CHANGED a 1->3 @6")),
                Arguments.of("a key never seen that failed to decode and was deleted is nothing",
                        List.of(failed("a", null, 5), change("a", null, null, 6)),
                        List.of()),
                Arguments.of("the marker follows the differences queued before it",
                        List.of(change("a", null, "1", 1), marker(4), change("b", null, "1", 5)),
                        List.of("ADDED a null->1 @1", "RESYNCED null null->null @4", "ADDED b null->1 @5")),
                Arguments.of("a newer marker replaces a waiting one, behind everything before it",
                        List.of(change("a", null, "1", 1), marker(4), change("b", null, "1", 5), marker(9)),
                        List.of("ADDED a null->1 @1", "ADDED b null->1 @5", "RESYNCED null null->null @9")),
                Arguments.of("a key changed after a marker moves behind it",
                        List.of(change("a", "0", "1", 1), marker(4), change("a", "1", "2", 5)),
                        List.of("RESYNCED null null->null @4", "CHANGED a 0->2 @5")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void delivers(String name, List<Object> inputs, List<String> expected) {
        PendingChanges<String> pending = new PendingChanges<>();
        for (Object input : inputs) {
            if (input instanceof Long revision) {
                pending.resynced(revision);
            } else {
                pending.add((KeyChange<String>) input);
            }
        }
        List<String> delivered = new ArrayList<>();
        for (CacheEvent<String> event = pending.poll(); event != null; event = pending.poll()) {
            delivered.add(event.kind() + " " + event.key() + " " + event.oldValue() + "->" + event.newValue() + " @"
                    + event.modRevision());
        }
        assertThat(delivered).containsExactlyElementsOf(expected);
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void manyChangesToFewKeysKeepOneEntryPerKey() {
        PendingChanges<String> pending = new PendingChanges<>();
        for (int revision = 1; revision <= 100_000; revision++) {
            String key = "k" + revision % 100;
            pending.add(change(key, "v" + (revision - 100), "v" + revision, revision));
            if (revision % 1000 == 0) {
                pending.resynced(revision);
            }
        }
        assertThat(pending.size()).isEqualTo(101);
    }
}
