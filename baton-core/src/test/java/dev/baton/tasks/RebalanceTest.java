package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.testkit.EtcdExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Members joining and leaving: every member ends within one task of the mean, moving no more tasks than needed. */
class RebalanceTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final TaskHandler RUN_UNTIL_STOPPED = context -> {
        context.awaitStop(Duration.ofMinutes(5));
        context.throwIfStopRequested();
    };

    @Test
    void joiningAndLeavingKeepsEveryMemberAtTheFloorOrCeilingOfTheMeanWithMinimalMoves() {
        try (LiveFleet fleet = new LiveFleet(ETCD.endpoint(), "rebalance")) {
            for (String id : new String[] {"a", "b", "c"}) {
                fleet.start(id, b -> b.handler(RUN_UNTIL_STOPPED));
            }
            fleet.submit("job", 30);
            awaitHoldings(fleet, Map.of("a", 10, "b", 10, "c", 10));

            try (OwnerMoves moves = OwnerMoves.from(fleet.etcd(), fleet.namespace())) {
                fleet.start("d", b -> b.handler(RUN_UNTIL_STOPPED));
                // 30 over 4: two members keep 8, two hold 7; the newcomer gets 7, so 7 tasks move.
                awaitBalanced(fleet, 4, 30);
                assertThat(fleet.holdings().get("d")).isEqualTo(7);
                assertThat(moves.count()).isEqualTo(7);
            }

            try (OwnerMoves moves = OwnerMoves.from(fleet.etcd(), fleet.namespace())) {
                fleet.stop("a");
                awaitBalanced(fleet, 3, 30);
                assertThat(moves.count()).as("only the leaver's tasks move").isEqualTo(8);
            }
        }
    }

    private static void awaitHoldings(LiveFleet fleet, Map<String, Integer> expected) {
        await().atMost(Duration.ofSeconds(30)).until(() -> fleet.holdings().equals(expected));
    }

    /** Waits until every one of {@code members} holds ⌊N/M⌋ or ⌈N/M⌉ and all N tasks are held. */
    private static void awaitBalanced(LiveFleet fleet, int members, int tasks) {
        int floor = tasks / members;
        int ceiling = (tasks + members - 1) / members;
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Map<String, Integer> held = fleet.holdings();
            return held.size() == members
                    && held.values().stream().mapToInt(Integer::intValue).sum() == tasks
                    && held.values().stream().allMatch(n -> n == floor || n == ceiling);
        });
    }
}
