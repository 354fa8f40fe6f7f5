package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.tasks.RetentionPolicy.DoneRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RetentionPolicyTest {

    private static final Instant NOW = Instant.parse("2030-05-01T12:00:00Z");

    private static DoneRecord done(String id, int minutesAgo, long modRevision) {
        return new DoneRecord(TaskId.of(id), NOW.minus(Duration.ofMinutes(minutesAgo)), modRevision);
    }

    private static final List<DoneRecord> RECORDS = List.of(
            done("a", 120, 10), done("b", 90, 11), done("c", 61, 12), done("d", 60, 13), done("e", 5, 14),
            done("f", 0, 15));

    static Stream<Arguments> decisions() {
        return Stream.of(
                Arguments.of("nothing old, count not exceeded", 180, 10, Set.of(), List.of()),
                Arguments.of("older than the age, oldest first", 60, 10, Set.of(), List.of("a", "b", "c")),
                Arguments.of("exactly the age is kept", 61, 10, Set.of(), List.of("a", "b")),
                Arguments.of("beyond the count, oldest first", 180, 4, Set.of(), List.of("a", "b")),
                Arguments.of("the stricter rule wins: count", 100, 2, Set.of(), List.of("a", "b", "c", "d")),
                Arguments.of("the stricter rule wins: age", 30, 5, Set.of(), List.of("a", "b", "c", "d")),
                Arguments.of("count 0 keeps none", 180, 0, Set.of(), List.of("a", "b", "c", "d", "e", "f")),
                Arguments.of("age 0 keeps what finished now", 0, 10, Set.of(), List.of("a", "b", "c", "d", "e")),
                Arguments.of("a live task is neither removed nor counted", 60, 3, Set.of("a", "e"), List.of("b", "c")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void decidesByAgeAndCount(String name, int maxAgeMinutes, int maxCount, Set<String> live, List<String> expected) {
        RetentionPolicy policy = new RetentionPolicy(Duration.ofMinutes(maxAgeMinutes), maxCount);
        Set<TaskId> liveIds = new HashSet<>();
        live.forEach(id -> liveIds.add(TaskId.of(id)));
        List<DoneRecord> shuffled = new ArrayList<>(RECORDS);
        Collections.reverse(shuffled);

        assertThat(policy.expired(shuffled, liveIds, NOW).stream().map(r -> r.id().value()).toList())
                .isEqualTo(expected);
    }

    @Test
    void equalFinishInstantsGoInStoreOrder() {
        RetentionPolicy policy = new RetentionPolicy(Duration.ofDays(1), 1);
        List<DoneRecord> records = List.of(done("z", 5, 3), done("y", 5, 1), done("x", 5, 2));

        assertThat(policy.expired(records, Set.of(), NOW)).extracting(r -> r.id().value()).containsExactly("y", "x");
    }

    @Test
    void defaultsAndValidation() {
        assertThat(RetentionPolicy.defaults()).isEqualTo(new RetentionPolicy(Duration.ofHours(24), 10_000));
        assertThat(RetentionPolicy.defaults().withMaxAge(Duration.ofHours(1)).withMaxCount(5))
                .isEqualTo(new RetentionPolicy(Duration.ofHours(1), 5));
        assertThatThrownBy(() -> new RetentionPolicy(Duration.ofSeconds(-1), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retention max age must be zero or positive, got PT-1S");
        assertThatThrownBy(() -> RetentionPolicy.defaults().withMaxCount(-3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retention max count must be zero or positive, got -3");
        assertThatThrownBy(() -> new RetentionPolicy(null, 1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theSweepPeriodIsATenthOfTheAgeWithinOneSecondAndOneMinute() {
        assertThat(RetentionPolicy.defaults().withMaxAge(Duration.ZERO).sweepPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(RetentionPolicy.defaults().withMaxAge(Duration.ofSeconds(100)).sweepPeriod())
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(RetentionPolicy.defaults().sweepPeriod()).isEqualTo(Duration.ofMinutes(1));
    }

    /** Records with distinct ids and revisions, finished up to 100 minutes before or 10 after {@link #NOW}. */
    @Provide
    Arbitrary<List<DoneRecord>> records() {
        return Combinators.combine(Arbitraries.integers().between(-10, 100), Arbitraries.integers().between(0, 5))
                .as((minutesAgo, seconds) -> NOW.minus(Duration.ofMinutes(minutesAgo)).minusSeconds(seconds))
                .list().ofMaxSize(60)
                .map(instants -> {
                    List<DoneRecord> records = new ArrayList<>();
                    for (int i = 0; i < instants.size(); i++) {
                        records.add(new DoneRecord(TaskId.of("t" + i), instants.get(i), 100 + 7L * i % 61));
                    }
                    return records;
                });
    }

    @Provide
    Arbitrary<Set<TaskId>> live() {
        return Arbitraries.integers().between(0, 80).map(i -> TaskId.of("t" + i)).set().ofMaxSize(20);
    }

    @Property
    void neverRemovesALiveTaskAndRemovesOnlyWhatTheRulesName(@ForAll("records") List<DoneRecord> records,
                                                             @ForAll("live") Set<TaskId> live,
                                                             @ForAll @IntRange(min = 0, max = 120) int maxAgeMinutes,
                                                             @ForAll @IntRange(min = 0, max = 70) int maxCount) {
        RetentionPolicy policy = new RetentionPolicy(Duration.ofMinutes(maxAgeMinutes), maxCount);
        Instant cutoff = NOW.minus(policy.maxAge());
        List<DoneRecord> expired = policy.expired(records, live, NOW);

        List<DoneRecord> eligible = records.stream().filter(r -> !live.contains(r.id())).toList();
        List<DoneRecord> kept = eligible.stream().filter(r -> !expired.contains(r)).toList();
        assertThat(records).containsAll(expired);
        assertThat(expired).noneMatch(r -> live.contains(r.id()));
        assertThat(kept).as("never more than the count kept").hasSizeLessThanOrEqualTo(maxCount);
        assertThat(kept).as("nothing older than the age kept").noneMatch(r -> r.finished().isBefore(cutoff));
        if (eligible.size() <= maxCount) {
            assertThat(expired).as("within the count, only records older than the age go")
                    .allMatch(r -> r.finished().isBefore(cutoff));
        }
        for (DoneRecord gone : expired) {
            assertThat(kept).as("a record goes only when every kept one finished no earlier")
                    .allMatch(k -> !k.finished().isBefore(gone.finished()));
        }
        assertThat(expired.size()).as("no more go than the rules need")
                .isEqualTo(Math.max(eligible.stream().filter(r -> r.finished().isBefore(cutoff)).count(),
                        Math.max(0, eligible.size() - maxCount)));
        for (int i = 1; i < expired.size(); i++) {
            assertThat(expired.get(i - 1).finished()).as("oldest first").isBeforeOrEqualTo(expired.get(i).finished());
        }
    }
}
