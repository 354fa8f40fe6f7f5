package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How members that see the same view share the unclaimed tasks among them. */
class ClaimSharesTest {

    private static final Set<String> MEMBERS = Set.of("m1", "m2", "m3");
    private static final Set<TaskId> DUE = IntStream.range(0, 1_000).mapToObj(i -> TaskId.of("s" + i + "@T"))
            .collect(Collectors.toSet());

    @Test
    void membersWithRoomForEveryTaskTakeEachExactlyOnce() {
        Map<String, Integer> room = Map.of("m1", 334, "m2", 333, "m3", 333);
        Map<String, ClaimShares.Shares> shares = sharesOfAll(room, DUE);
        Set<TaskId> taken = new HashSet<>();
        for (String member : MEMBERS) {
            Set<TaskId> mine = shares.get(member).mine().keySet();
            assertThat(mine).as("%s takes what its room allows", member).hasSize(room.get(member));
            assertThat(taken).as("no task in two shares").doesNotContainAnyElementsOf(mine);
            taken.addAll(mine);
        }
        assertThat(taken).isEqualTo(DUE);
    }

    @Test
    void aMemberWithRoomForAllItsFirstChoicesTakesExactlyThemFirst() {
        Map<String, Integer> room = Map.of("m1", 1_000, "m2", 1_000, "m3", 1_000);
        for (String member : MEMBERS) {
            Map<TaskId, Integer> mine = sharesOfAll(room, DUE).get(member).mine();
            assertThat(mine.keySet()).isEqualTo(firstChoicesOf(member, DUE));
            assertThat(mine.values()).containsOnly(0);
        }
    }

    @Test
    void theFirstChoicesAMemberHasNoRoomForGoToTheMembersThatScoreThemNext() {
        String crowded = MEMBERS.stream().max(Comparator.comparingInt(m -> firstChoicesOf(m, DUE).size())).orElseThrow();
        int firstChoices = firstChoicesOf(crowded, DUE).size();
        Map<String, Integer> room = new HashMap<>(Map.of("m1", 1_000, "m2", 1_000, "m3", 1_000));
        room.put(crowded, firstChoices - 10);
        Map<String, ClaimShares.Shares> shares = sharesOfAll(room, DUE);

        Set<TaskId> surplus = new HashSet<>(firstChoicesOf(crowded, DUE));
        surplus.removeAll(shares.get(crowded).mine().keySet());
        assertThat(surplus).hasSize(10).allSatisfy(task -> assertThat(MEMBERS).anySatisfy(other ->
                assertThat(shares.get(other).mine()).containsEntry(task, 1)));
        byte[] name = crowded.getBytes(StandardCharsets.UTF_8);
        long lowestKept = shares.get(crowded).mine().keySet().stream()
                .mapToLong(task -> FairBalancer.rendezvous(name, task)).reduce((a, b) -> Long.compareUnsigned(a, b) < 0 ? a : b)
                .orElseThrow();
        assertThat(surplus).as("%s keeps the first choices it scores highest", crowded)
                .allSatisfy(task -> assertThat(Long.compareUnsigned(FairBalancer.rendezvous(name, task), lowestKept)).isNegative());
    }

    @Test
    void aMemberWithoutRoomTakesNothingAndTheRestAreLeftOverWhenEveryoneIsFull() {
        Map<String, Integer> room = Map.of("m1", 0, "m2", 100, "m3", 200);
        Map<String, ClaimShares.Shares> shares = sharesOfAll(room, DUE);
        assertThat(shares.get("m1").mine()).isEmpty();
        assertThat(shares.get("m2").mine()).hasSize(100);
        assertThat(shares.get("m3").mine()).hasSize(200).doesNotContainKeys(shares.get("m2").mine().keySet()
                .toArray(TaskId[]::new));
    }

    @Test
    void aMemberThatIsNotFullKnowsTheOthersShares() {
        Map<String, Integer> room = Map.of("m1", 2_000, "m2", 300, "m3", 300);
        Map<String, ClaimShares.Shares> shares = sharesOfAll(room, DUE);
        Set<TaskId> othersOfM1 = new HashSet<>(shares.get("m2").mine().keySet());
        othersOfM1.addAll(shares.get("m3").mine().keySet());
        assertThat(shares.get("m1").others()).isEqualTo(othersOfM1);
        assertThat(shares.get("m1").mine()).hasSize(400);
    }

    private static Map<String, ClaimShares.Shares> sharesOfAll(Map<String, Integer> room, Set<TaskId> tasks) {
        Map<String, ClaimShares.Shares> shares = new HashMap<>();
        for (String member : MEMBERS) {
            shares.put(member, ClaimShares.of(member, MEMBERS, room, tasks));
        }
        return shares;
    }

    private static Set<TaskId> firstChoicesOf(String member, Set<TaskId> tasks) {
        return tasks.stream().filter(task -> MEMBERS.stream().max(Comparator.comparing(
                        (String m) -> FairBalancer.rendezvous(m.getBytes(StandardCharsets.UTF_8), task),
                        Long::compareUnsigned)).orElseThrow().equals(member))
                .collect(Collectors.toSet());
    }
}
