package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.etcd.KeyValue;
import dev.baton.testkit.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpareClaimsTest {

    private static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");

    private final TestClock clock = new TestClock(NOW);
    private final TaskTable table = new TaskTable(new Keyspace("ns/"), false);
    private final Set<TaskId> held = new HashSet<>();
    private final ReleaseHoldOff holdOff = new ReleaseHoldOff(clock, Duration.ofSeconds(10));
    private final SpareClaims spares = new SpareClaims(table, held::contains, holdOff, clock,
            new ClaimWindow(Duration.ofSeconds(1)));
    private final List<KeyValue> store = new ArrayList<>();
    private long revision;

    @Test
    void takesFreeSparesInPlanOrderUpToTheRoom() {
        load("a", "b", "c", "d");
        spares.plan(ids("c", "a", "d", "b"));

        assertThat(spares.take(2)).containsExactlyElementsOf(ids("c", "a"));
        assertThat(spares.take(5)).containsExactlyElementsOf(ids("d", "b"));
        assertThat(spares.take(5)).isEmpty();
    }

    @Test
    void skipsWhatIsOwnedHeldHeldOffNotDueOrRetiredWithoutUsingRoom() {
        load("owned", "held", "heldOff", "later", "retired", "free");
        add("ns/tasks/owned/owner", "m2");
        add("ns/tasks/later/spec", spec(NOW.plusSeconds(60)));
        add("ns/tasks/retired/done", "{\"state\":\"completed\",\"since\":\"2026-05-01T09:59:00Z\",\"attempts\":1}");
        table.reset(revision, store);
        held.add(TaskId.of("held"));
        holdOff.released(TaskId.of("heldOff"));
        spares.plan(ids("owned", "held", "heldOff", "later", "retired", "free", "unknown"));

        assertThat(spares.take(1)).containsExactlyElementsOf(ids("free"));
    }

    @Test
    void aSpareBecomesClaimableOnceItsClaimWindowOpensAndItsHoldOffEnds() {
        load("later", "heldOff");
        add("ns/tasks/later/spec", spec(NOW.plusSeconds(5)));
        table.reset(revision, store);
        holdOff.released(TaskId.of("heldOff"));

        spares.plan(ids("later", "heldOff"));
        assertThat(spares.take(2)).isEmpty();

        clock.advance(Duration.ofSeconds(3));
        spares.plan(ids("later"));
        assertThat(spares.take(2)).as("4 s before its not-before, beyond the 1 s window").isEmpty();

        clock.advance(Duration.ofSeconds(1));
        spares.plan(ids("later"));
        assertThat(spares.take(2)).as("its claim window opened").containsExactlyElementsOf(ids("later"));

        clock.advance(Duration.ofSeconds(7));
        spares.plan(ids("later", "heldOff"));
        assertThat(spares.take(2)).containsExactlyElementsOf(ids("later", "heldOff"));
    }

    @Test
    void asksForTheNextPassOnceWhenHalfThePlanIsUsed() {
        load("a", "b", "c", "d");
        spares.plan(ids("a", "b", "c", "d"));

        spares.take(2);
        assertThat(spares.halfUsed()).isFalse();
        spares.take(1);
        assertThat(spares.halfUsed()).isTrue();
        assertThat(spares.halfUsed()).isFalse();
    }

    @Test
    void aClearedPlanHasNothingToTakeAndStillAsksForAPass() {
        load("a", "b");
        spares.plan(ids("a", "b"));

        spares.clear();

        assertThat(spares.take(2)).isEmpty();
        assertThat(spares.halfUsed()).isTrue();
    }

    @Test
    void aMemberAsksForSixtyFourSparesPerSlotUpToAThousandAndTwentyFour() {
        assertThat(SpareClaims.wanted(1)).isEqualTo(64);
        assertThat(SpareClaims.wanted(16)).isEqualTo(1024);
        assertThat(SpareClaims.wanted(64)).isEqualTo(1024);
    }

    private void load(String... tasks) {
        for (String task : tasks) {
            add("ns/tasks/" + task + "/spec", spec(null));
        }
        table.reset(revision, store);
    }

    /** Adds a record, replacing one at the same key. */
    private void add(String key, String value) {
        revision++;
        store.removeIf(kv -> kv.key().equals(key));
        store.add(new KeyValue(key, value.getBytes(StandardCharsets.UTF_8), revision, revision, 1, 0));
    }

    private static String spec(Instant notBefore) {
        return "{\"properties\":{},\"submitted\":\"2026-05-01T09:00:00Z\""
                + (notBefore == null ? "" : ",\"notBefore\":\"" + notBefore + "\"") + "}";
    }

    private static List<TaskId> ids(String... tasks) {
        return Arrays.stream(tasks).map(TaskId::of).toList();
    }
}
