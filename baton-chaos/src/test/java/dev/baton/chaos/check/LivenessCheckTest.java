package dev.baton.chaos.check;

import static dev.baton.chaos.check.Histories.leaderAt;
import static dev.baton.chaos.check.Histories.taskAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.chaos.history.Fault;
import dev.baton.chaos.history.LedgerEntry;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** TTL 3 s and failover 5 s: the bound is 10 s. Times in ms. */
class LivenessCheckTest {

    private static Fault killOf(String member, long millis) {
        return new Fault("worker-kill", member, millis * 1_000_000, millis * 1_000_000, false);
    }

    private static Fault storeOutage(long fromMillis, long toMillis) {
        return new Fault("server-kill", "server", fromMillis * 1_000_000, toMillis * 1_000_000, true);
    }

    /** A partition whose outage ends when the majority has elected its leader: failover measured. */
    private static Fault partitionUntilElected(long fromMillis, long electedMillis) {
        return new Fault("etcd-partition", "m0", fromMillis * 1_000_000, electedMillis * 1_000_000, true, true);
    }

    /** The election a partition's heal caused (the isolated member came back with a higher term). */
    private static Fault healElection(long healedMillis, long agreedMillis) {
        return new Fault("etcd-partition-heal-election", "m0", healedMillis * 1_000_000, agreedMillis * 1_000_000,
                true, true);
    }

    static Stream<Arguments> histories() {
        return Stream.of(
                Arguments.of("a follower dies: nothing to recover", List.of(killOf("w1-0", 1_000)),
                        List.of(leaderAt(3, "w0-0", 900, 10), leaderAt(3, "w0-0", 1_100, 11)), 0, List.of()),
                Arguments.of("the leader dies and another leads 4 s later", List.of(killOf("w0-0", 1_000)),
                        List.of(leaderAt(3, "w0-0", 900, 10), leaderAt(12, "w1-0", 5_000, 13)), 1, List.of()),
                Arguments.of("the leader dies and another leads 11 s later", List.of(killOf("w0-0", 1_000)),
                        List.of(leaderAt(3, "w0-0", 900, 10), leaderAt(12, "w1-0", 12_000, 13)), 1,
                        List.of("took 11000 ms")),
                Arguments.of("the leader dies and nobody ever leads again", List.of(killOf("w0-0", 1_000)),
                        List.of(leaderAt(3, "w0-0", 900, 10)), 1, List.of("never recovered")),
                Arguments.of("the dead leader's in-flight write does not count as recovery", List.of(killOf("w0-0", 1_000)),
                        List.of(leaderAt(3, "w0-0", 900, 10), leaderAt(3, "w0-0", 1_050, 11)), 1,
                        List.of("never recovered")),
                Arguments.of("an abandoned task is taken over in time", List.of(killOf("w0-0", 1_000)),
                        List.of(taskAt("t1", 5, "w0-0", false, 900, 6), taskAt("t1", 20, "w1-0", true, 6_000, 21)), 1,
                        List.of()),
                Arguments.of("an abandoned task is taken over too late", List.of(killOf("w0-0", 1_000)),
                        List.of(taskAt("t1", 5, "w0-0", false, 900, 6), taskAt("t1", 20, "w1-0", true, 15_000, 21)),
                        1, List.of("task t1 took 14000 ms")),
                Arguments.of("a worker leaving gracefully finishes its task itself", List.of(killOf("w0-0", 1_000)),
                        List.of(taskAt("t1", 5, "w0-0", false, 900, 6), taskAt("t1", 5, "w0-0", true, 1_100, 7)), 1,
                        List.of()),
                Arguments.of("a task finished before the fault is not abandoned", List.of(killOf("w0-0", 1_000)),
                        List.of(taskAt("t1", 5, "w0-0", true, 900, 6)), 0, List.of()),
                Arguments.of("a recovery overlapped by the next fault is judged with that one", List.of(
                        storeOutage(1_000, 3_000), storeOutage(4_000, 6_000)),
                        List.of(leaderAt(3, "w0-0", 900, 10), leaderAt(3, "w0-0", 9_000, 11)), 1, List.of()),
                Arguments.of("a store outage counts on top of the bound", List.of(storeOutage(1_000, 9_000)),
                        List.of(leaderAt(3, "w0-0", 900, 10), leaderAt(3, "w0-0", 17_000, 11)), 1, List.of()),
                Arguments.of("leadership stays away too long after the store is back", List.of(storeOutage(1_000, 9_000)),
                        List.of(leaderAt(3, "w0-0", 900, 10), leaderAt(3, "w0-0", 20_000, 11)), 1,
                        List.of("took 19000 ms")),
                Arguments.of("leadership back within TTL + 2 s of the majority's election", List.of(
                        partitionUntilElected(1_000, 3_000)),
                        List.of(leaderAt(3, "w0-0", 900, 10), leaderAt(12, "w1-0", 7_500, 13)), 1, List.of()),
                Arguments.of("no failover allowance once the partition measured the election", List.of(
                        partitionUntilElected(1_000, 3_000)),
                        List.of(leaderAt(3, "w0-0", 900, 10), leaderAt(12, "w1-0", 9_000, 13)), 1,
                        List.of("took 8000 ms")),
                Arguments.of("a second election at the heal: leadership judged from the heal", List.of(
                        partitionUntilElected(1_000, 3_000), healElection(6_000, 8_000)),
                        List.of(leaderAt(3, "w0-0", 900, 10), leaderAt(12, "w1-0", 12_500, 13)), 1, List.of()),
                Arguments.of("the same recovery without the heal's election is too late", List.of(
                        partitionUntilElected(1_000, 3_000)),
                        List.of(leaderAt(3, "w0-0", 900, 10), leaderAt(12, "w1-0", 12_500, 13)), 1,
                        List.of("took 11500 ms")),
                Arguments.of("leadership stays away too long after the heal's election", List.of(
                        partitionUntilElected(1_000, 3_000), healElection(6_000, 8_000)),
                        List.of(leaderAt(3, "w0-0", 900, 10), leaderAt(12, "w1-0", 13_500, 13)), 1,
                        List.of("took 7500 ms")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("histories")
    void judgesHistory(String story, List<Fault> faults, List<LedgerEntry> ledger, long recoveries,
                       List<String> expected) {
        CheckResult result = LivenessCheck.check(faults, ledger, Duration.ofSeconds(3), Duration.ofSeconds(5));

        assertThat(result.checked()).isEqualTo(recoveries);
        assertThat(result.violations()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(result.violations().get(i).summary()).contains(expected.get(i));
        }
    }
}
