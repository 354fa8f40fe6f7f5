package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FairBalancerTest {

    private final FairBalancer balancer = new FairBalancer();

    /**
     * A view from the holdings written as {@code "a:3 b:2"}: member a holds tasks a-0..a-2
     * (claimed in that order), and {@code unclaimed} more tasks u-0.. are free.
     */
    private static BalanceView view(String self, String holdings, int unclaimed) {
        Map<TaskId, TaskOwner> claimed = new HashMap<>();
        Map<String, Integer> held = new TreeMap<>();
        for (String entry : holdings.split(" ")) {
            String[] parts = entry.split(":");
            held.put(parts[0], Integer.parseInt(parts[1]));
        }
        long revision = 0;
        for (Map.Entry<String, Integer> member : held.entrySet()) {
            for (int i = 0; i < member.getValue(); i++) {
                claimed.put(TaskId.of(member.getKey() + "-" + i), new TaskOwner(member.getKey(), ++revision));
            }
        }
        Set<TaskId> free = new HashSet<>();
        for (int i = 0; i < unclaimed; i++) {
            free.add(TaskId.of("u-" + i));
        }
        return new BalanceView(self, held.keySet(), claimed, free, Set.of());
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                //            self  holdings             unclaimed target release claim
                Arguments.of("a", "a:0",                   3,       3,     0,      3),
                Arguments.of("a", "a:0",                   0,       0,     0,      0),
                Arguments.of("a", "a:2 b:2",               0,       2,     0,      0),
                Arguments.of("a", "a:3 b:2",               0,       3,     0,      0),
                Arguments.of("b", "a:3 b:2",               0,       2,     0,      0),
                Arguments.of("a", "a:2 b:3",               0,       2,     0,      0),
                Arguments.of("b", "a:2 b:3",               0,       3,     0,      0),
                Arguments.of("a", "a:0 b:0",               5,       3,     0,      3),
                Arguments.of("b", "a:0 b:0",               5,       2,     0,      2),
                Arguments.of("a", "a:4 b:4 c:0",           0,       3,     1,      0),
                Arguments.of("b", "a:4 b:4 c:0",           0,       3,     1,      0),
                Arguments.of("c", "a:4 b:4 c:0",           0,       2,     0,      0),
                Arguments.of("a", "a:5 b:5 c:0",           0,       4,     1,      0),
                Arguments.of("b", "a:5 b:5 c:0",           0,       3,     2,      0),
                Arguments.of("a", "a:6 b:0 c:0",           0,       2,     4,      0),
                Arguments.of("a", "a:1 b:0 c:0",           0,       1,     0,      0),
                Arguments.of("b", "a:1 b:0 c:0",           0,       0,     0,      0),
                Arguments.of("a", "a:0 b:0 c:0",           1,       1,     0,      1),
                Arguments.of("c", "a:0 b:0 c:0",           1,       0,     0,      0),
                Arguments.of("a", "a:2 b:2 c:2 d:0",       0,       2,     0,      0),
                Arguments.of("b", "a:2 b:2 c:2 d:0",       0,       2,     0,      0),
                Arguments.of("c", "a:2 b:2 c:2 d:0",       0,       1,     1,      0),
                Arguments.of("d", "a:2 b:2 c:2 d:0",       0,       1,     0,      0),
                Arguments.of("b", "a:1 b:3 c:0",           2,       2,     1,      0),
                Arguments.of("c", "a:1 b:3 c:0",           2,       2,     0,      2),
                Arguments.of("a", "a:1 b:3 c:0",           2,       2,     0,      1));
    }

    @ParameterizedTest(name = "{0} in [{1}] + {2} free: target {3}, release {4}, claim {5}")
    @MethodSource("cases")
    void eachMemberAimsForItsFairShare(String self, String holdings, int unclaimed, int target, int releases,
                                       int claims) {
        BalanceDecision decision = balancer.decide(view(self, holdings, unclaimed));
        assertThat(decision.target()).as("target").isEqualTo(target);
        assertThat(decision.release()).as("releases").hasSize(releases);
        assertThat(decision.claim()).as("claims").hasSize(claims);
        assertThat(decision.settled()).isEqualTo(releases == 0 && claims == 0);
    }

    @Test
    void theMostRecentlyClaimedTasksAreReleasedFirstThenTheLowestIds() {
        Map<TaskId, TaskOwner> claimed = Map.of(
                TaskId.of("old"), new TaskOwner("a", 10),
                TaskId.of("newest"), new TaskOwner("a", 90),
                TaskId.of("twin-b"), new TaskOwner("a", 50),
                TaskId.of("twin-a"), new TaskOwner("a", 50),
                TaskId.of("other"), new TaskOwner("b", 95));
        BalanceDecision decision = balancer.decide(new BalanceView("a", Set.of("a", "b", "c", "d"), claimed,
                Set.of(), Set.of()));
        assertThat(decision.held()).isEqualTo(4);
        assertThat(decision.target()).isEqualTo(2);
        assertThat(decision.release()).containsExactly(TaskId.of("newest"), TaskId.of("twin-a"));
    }

    @Test
    void tasksHeldOffAreNeverOfferedForClaiming() {
        Set<TaskId> free = Set.of(TaskId.of("t1"), TaskId.of("t2"), TaskId.of("t3"));
        BalanceDecision decision = balancer.decide(new BalanceView("a", Set.of("a"), Map.of(), free,
                Set.of(TaskId.of("t2"))));
        assertThat(decision.target()).isEqualTo(3);
        assertThat(decision.claim()).containsExactlyInAnyOrder(TaskId.of("t1"), TaskId.of("t3"));
    }

    @Test
    void claimsAreLimitedToWhatTheMemberLacks() {
        BalanceDecision decision = balancer.decide(view("b", "a:3 b:1", 4));
        assertThat(decision.target()).isEqualTo(4);
        assertThat(decision.claim()).hasSize(3);
    }

    @Test
    void claimsOfADepartedMemberCountButCannotBeClaimedUntilTheyExpire() {
        Map<TaskId, TaskOwner> claimed = Map.of(
                TaskId.of("a-0"), new TaskOwner("a", 1),
                TaskId.of("z-0"), new TaskOwner("gone", 2),
                TaskId.of("z-1"), new TaskOwner("gone", 3),
                TaskId.of("z-2"), new TaskOwner("gone", 4));
        BalanceDecision decision = balancer.decide(new BalanceView("a", Set.of("a", "b"), claimed, Set.of(), Set.of()));
        assertThat(decision.target()).isEqualTo(2);
        assertThat(decision.held()).isEqualTo(1);
        assertThat(decision.settled()).isTrue();
    }

    @Test
    void membersShortOfTasksPreferDifferentTasksSoTheirClaimsRarelyCollide() {
        Set<TaskId> free = new HashSet<>();
        IntStream.range(0, 100).forEach(i -> free.add(TaskId.of("t" + i)));
        Set<String> members = Set.of("a", "b", "c", "d");
        Map<String, List<TaskId>> choices = new HashMap<>();
        for (String member : members) {
            choices.put(member, balancer.decide(new BalanceView(member, members, Map.of(), free, Set.of())).claim());
        }
        Set<TaskId> distinct = new HashSet<>();
        choices.values().forEach(distinct::addAll);
        assertThat(choices.values()).allSatisfy(claim -> assertThat(claim).hasSize(25));
        assertThat(distinct).as("tasks wanted by more than one member are few").hasSizeGreaterThanOrEqualTo(90);
    }

    @Test
    void membersWithTheSameViewClaimEveryDueTaskOnceBetweenThem() {
        Set<TaskId> due = new HashSet<>();
        IntStream.range(0, 1_000).forEach(i -> due.add(TaskId.of("s" + i + "@2026-12-03T10:00:00Z")));
        Set<String> members = Set.of("m1", "m2", "m3");
        Set<TaskId> claimed = new HashSet<>();
        int claims = 0;
        for (String member : members) {
            List<TaskId> claim = balancer.decide(new BalanceView(member, members, Map.of(), due, Set.of())).claim();
            claims += claim.size();
            claimed.addAll(claim);
        }
        assertThat(claims).isEqualTo(1_000);
        assertThat(claimed).isEqualTo(due);
    }

    @Test
    void eachMemberFirstOffersTheTasksWhoseHighestScoringMemberItIs() {
        Set<TaskId> free = new HashSet<>();
        IntStream.range(0, 300).forEach(i -> free.add(TaskId.of("t" + i)));
        Set<String> members = Set.of("a", "b", "c");
        Map<TaskId, String> firstChoiceOf = new HashMap<>();
        for (TaskId task : free) {
            String best = members.stream().max(Comparator.comparing(
                    (String m) -> FairBalancer.rendezvous(m.getBytes(StandardCharsets.UTF_8), task),
                    Long::compareUnsigned)).orElseThrow();
            firstChoiceOf.put(task, best);
        }
        for (String member : members) {
            List<TaskId> claim = balancer.decide(new BalanceView(member, members, Map.of(), free, Set.of())).claim();
            long own = firstChoiceOf.values().stream().filter(member::equals).count();
            List<TaskId> leading = claim.subList(0, (int) Math.min(own, claim.size()));
            assertThat(leading).as("%s offers its first choices first", member)
                    .allMatch(task -> firstChoiceOf.get(task).equals(member));
        }
    }

    @Test
    void theClaimOrderIsTheSameEveryTime() {
        BalanceView view = view("c", "a:1 b:1 c:0", 40);
        assertThat(new FairBalancer().decide(view)).isEqualTo(new FairBalancer().decide(view));
    }

    @Test
    void theRendezvousHashIsStableAcrossProcesses() {
        assertThat(FairBalancer.rendezvous("a".getBytes(java.nio.charset.StandardCharsets.UTF_8), TaskId.of("t")))
                .isEqualTo(FairBalancer.rendezvous(new byte[] {'a'}, TaskId.of("t")))
                .isNotEqualTo(FairBalancer.rendezvous(new byte[] {'b'}, TaskId.of("t")))
                .isNotEqualTo(FairBalancer.rendezvous(new byte[] {'a'}, TaskId.of("u")));
    }

    @Test
    void aViewMustIncludeItsOwnMember() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new BalanceView("x", Set.of("a"), Map.of(), Set.of(), Set.of()))
                .withMessage("self \"x\" is not among the live members [a]");
    }

    @Test
    void aTaskCannotBeBothClaimedAndUnclaimed() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new BalanceView("a", Set.of("a"), Map.of(TaskId.of("t"), new TaskOwner("a", 1)),
                        Set.of(TaskId.of("t")), Set.of()))
                .withMessage("task \"t\" is both claimed and unclaimed");
    }

    @Test
    void ownersNeedAMemberAndAPositiveRevision() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TaskOwner("", 1))
                .withMessage("member id must not be empty");
        assertThatIllegalArgumentException().isThrownBy(() -> new TaskOwner("a", 0))
                .withMessage("claimRevision must be positive, is 0");
    }
}
