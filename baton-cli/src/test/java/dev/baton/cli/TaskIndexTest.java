package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.cache.CacheEvent;
import dev.baton.tasks.TaskStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The task index fed the changes a keyspace cache delivers: counts by state and owner follow
 * every change, and the ids it pages through come in the store's key order.
 */
class TaskIndexTest {
    private static final String NS = "ns/";
    private static final String RUNNABLE = "{\"state\":\"runnable\",\"since\":\"2030-01-01T00:00:00Z\",\"attempts\":0}";
    private static final String FAULT = "{\"state\":\"fault\",\"since\":\"2030-01-01T00:00:00Z\",\"attempts\":1}";
    private static final String COMPLETED = "{\"state\":\"completed\",\"since\":\"2030-01-01T00:00:00Z\",\"attempts\":1}";

    private final TaskIndex index = new TaskIndex(NS);
    /** What the cache holds, so that each change carries the value its key had, as the cache's events do. */
    private final Map<String, String> keys = new HashMap<>();
    private long revision;

    private void put(String key, String value) {
        String old = keys.put(NS + key, value);
        index.apply(new CacheEvent<>(old == null ? CacheEvent.Kind.ADDED : CacheEvent.Kind.CHANGED, NS + key, old, value,
                ++revision, null));
    }

    private void delete(String key) {
        index.apply(new CacheEvent<>(CacheEvent.Kind.REMOVED, NS + key, keys.remove(NS + key), null, ++revision, null));
    }

    private List<String> ids(String query, String after, int max) {
        return index.ids(TaskQuery.parse(query), Optional.ofNullable(after), max);
    }

    @Test
    void idsComeInTheStoresKeyOrderNotInTheOrderOfJavaStrings() {
        // UTF-8 orders U+E000 (EE 80 80) before U+10000 (F0 90 80 80); UTF-16 orders them the other way.
        // A '-' sorts before the '/' that ends an id, so task "a-b" comes before task "a".
        for (String id : List.of("a", "a-b", "\uD800\uDC00", "\uE000", "b")) {
            put("tasks/" + id + "/state", RUNNABLE);
        }

        assertThat(ids(null, null, 10)).containsExactly("a-b", "a", "b", "\uE000", "\uD800\uDC00");
    }

    @Test
    void countsFollowStatesOwnersAndFinishedTasks() {
        put("tasks/t1/state", RUNNABLE);
        put("tasks/t1/owner", "m1");
        put("tasks/t2/state", RUNNABLE);
        put("tasks/t2/state", FAULT);
        put("tasks/t3/state", RUNNABLE);
        put("tasks/t3/done", COMPLETED);
        delete("tasks/t3/state");
        put("members/m1", "{}");

        JsonNode counts = index.counts();

        assertThat(counts.path("total").asInt()).isEqualTo(3);
        assertThat(counts.path("revision").asLong()).isEqualTo(revision);
        assertThat(counts.path("states").path("runnable").asInt()).isEqualTo(1);
        assertThat(counts.path("states").path("fault").asInt()).isEqualTo(1);
        assertThat(counts.path("states").path("completed").asInt()).isEqualTo(1);
        assertThat(counts.path("states").path("paused").asInt()).isZero();
        assertThat(counts.path("held").path("m1").asInt()).isEqualTo(1);
    }

    @Test
    void aTaskLeavesWithItsLastKeyAndAReleasedClaimLeavesItsOwner() {
        put("tasks/t1/spec", "{}");
        put("tasks/t1/state", FAULT);
        put("tasks/t1/owner", "m1");
        delete("tasks/t1/owner");
        delete("tasks/t1/spec");

        assertThat(index.counts().path("total").asInt()).isEqualTo(1);
        assertThat(index.counts().path("states").path("fault").asInt()).isEqualTo(1);
        assertThat(index.counts().path("held").size()).isZero();

        delete("tasks/t1/state");

        assertThat(index.counts().path("total").asInt()).isZero();
        assertThat(ids(null, null, 10)).isEmpty();
    }

    @Test
    void aLiveTaskWithASpecAndNoStateRecordIsRunnableUntilItHasOne() {
        put("tasks/t1/spec", "{}");

        assertThat(index.counts().path("states").path("runnable").asInt()).isEqualTo(1);
        assertThat(ids("state=runnable", null, 10)).containsExactly("t1");

        put("tasks/t1/state", FAULT);

        assertThat(index.counts().path("states").path("runnable").asInt()).isZero();
        assertThat(ids("state=fault", null, 10)).containsExactly("t1");

        put("tasks/t1/done", COMPLETED);
        delete("tasks/t1/state");
        delete("tasks/t1/spec");

        assertThat(index.counts().path("states").path("completed").asInt()).isEqualTo(1);
        assertThat(index.counts().path("states").path("runnable").asInt()).isZero();
    }

    @Test
    void aFilteredPageContinuesAfterTheLastIdWithinThePrefix() {
        for (int i = 0; i < 10; i++) {
            put(String.format("tasks/x%02d/state", i), i % 2 == 0 ? RUNNABLE : FAULT);
            put(String.format("tasks/y%02d/state", i), FAULT);
        }

        assertThat(ids("state=fault&prefix=x", null, 2)).containsExactly("x01", "x03");
        assertThat(ids("state=fault&prefix=x", "x03", 10)).containsExactly("x05", "x07", "x09");
        assertThat(ids("state=fault&prefix=x", "a", 1)).containsExactly("x01");
        assertThat(ids("state=fault&prefix=x", "x09", 10)).isEmpty();
        assertThat(ids("state=fault", "x09", 2)).containsExactly("y00", "y01");
    }

    @Test
    void anOwnerFilterAndAStateFilterTogetherSelectTasksThatMatchBoth() {
        put("tasks/t1/state", RUNNABLE);
        put("tasks/t1/owner", "m1");
        put("tasks/t2/state", FAULT);
        put("tasks/t2/owner", "m1");
        put("tasks/t3/state", RUNNABLE);

        assertThat(ids("owner=m1&state=runnable", null, 10)).containsExactly("t1");
        assertThat(ids("owner=m2", null, 10)).isEmpty();
        assertThat(ids("state=" + TaskStatus.PAUSED.wireName(), null, 10)).isEmpty();
    }
}
