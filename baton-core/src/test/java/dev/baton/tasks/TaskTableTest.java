package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.etcd.KeyValue;
import dev.baton.etcd.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TaskTableTest {

    private static final Instant SUBMITTED = Instant.parse("2024-05-01T10:00:00Z");
    private static final String SPEC = new TaskSpec(TaskProperties.parse("{\"a\":1}"), SUBMITTED, Optional.empty()).encode();
    private static final String INITIAL = TaskState.initial(SUBMITTED).encode();

    private final TaskTable table = new TaskTable(new Keyspace("ns/"));
    private long revision;

    @Test
    void aSubmittedTaskIsRunnableUntilItIsClaimed() {
        table.reset(2, List.of(kv("ns/tasks/t/spec", SPEC, 0), kv("ns/tasks/t/state", INITIAL, 0)));

        TaskTable.Entry entry = table.entry(TaskId.of("t"));
        assertThat(entry.runnable()).isTrue();
        assertThat(entry.ownerName).isNull();

        KeyValue owner = kv("ns/tasks/t/owner", "m1", 7);
        table.apply(List.of(put(owner)));
        TaskTable.Changes changes = table.takeChanges();
        assertThat(changes.tasks()).containsExactly(TaskId.of("t"));
        assertThat(changes.ownerEvents()).containsEntry(TaskId.of("t"), owner.modRevision());
        assertThat(changes.members()).isFalse();
        assertThat(entry.ownerName).isEqualTo("m1");
        assertThat(table.taskInfos()).singleElement().satisfies(info -> {
            assertThat(info.owner()).contains(new TaskOwner("m1", owner.createRevision()));
            assertThat(info.status()).contains(TaskStatus.RUNNABLE);
            assertThat(info.submitted()).contains(SUBMITTED);
        });
    }

    @Test
    void aRetiredTaskKeepsOnlyItsDoneRecord() {
        table.reset(2, List.of(kv("ns/tasks/t/spec", SPEC, 0), kv("ns/tasks/t/state", INITIAL, 0),
                kv("ns/tasks/t/owner", "m1", 7)));
        String completed = "{\"state\":\"completed\",\"since\":\"2024-05-01T10:05:00Z\",\"attempts\":0}";

        table.apply(List.of(delete("ns/tasks/t/spec"), delete("ns/tasks/t/state"), delete("ns/tasks/t/owner"),
                put(kv("ns/tasks/t/done", completed, 0))));

        TaskTable.Entry entry = table.entry(TaskId.of("t"));
        assertThat(entry.live()).isFalse();
        assertThat(entry.runnable()).isFalse();
        TaskInfo info = TaskTable.info(entry);
        assertThat(info.done()).isTrue();
        assertThat(info.valid()).isTrue();
        assertThat(info.status()).contains(TaskStatus.COMPLETED);
        assertThat(info.properties()).isEmpty();
    }

    @Test
    void aDoneRecordAloneIsLeftOutOfWhatAPassGoesThroughButStaysListed() {
        String completed = "{\"state\":\"completed\",\"since\":\"2024-05-01T10:05:00Z\",\"attempts\":0}";
        table.reset(2, List.of(kv("ns/tasks/live/spec", SPEC, 0), kv("ns/tasks/t/spec", SPEC, 0),
                kv("ns/tasks/t/owner", "m1", 7), kv("ns/tasks/old/done", completed, 0)));
        assertThat(table.entries()).extracting(entry -> entry.id.value()).containsExactlyInAnyOrder("live", "t");
        assertThat(table.size()).isEqualTo(3);

        table.apply(List.of(delete("ns/tasks/t/spec"), delete("ns/tasks/t/owner"), put(kv("ns/tasks/t/done", completed, 0))));

        assertThat(table.entries()).extracting(entry -> entry.id.value()).containsExactly("live");
        assertThat(table.size()).isEqualTo(3);
        assertThat(table.entry(TaskId.of("t")).hasDone).isTrue();
        assertThat(table.taskInfos()).extracting(info -> info.id().value()).containsExactly("live", "old", "t");

        // Deleted and submitted again under the same id, the task is live again; a stray spec beside
        // a done record (which no Baton write makes) keeps the task in the pass, unclaimable.
        table.apply(List.of(delete("ns/tasks/t/done"), put(kv("ns/tasks/t/spec", SPEC, 0)),
                put(kv("ns/tasks/old/spec", SPEC, 0))));
        assertThat(table.entries()).extracting(entry -> entry.id.value()).containsExactlyInAnyOrder("live", "t", "old");
        assertThat(table.entry(TaskId.of("t")).runnable()).isTrue();
        assertThat(table.entry(TaskId.of("old")).runnable()).isFalse();

        table.apply(List.of(delete("ns/tasks/old/spec"), delete("ns/tasks/old/done")));
        assertThat(table.entry(TaskId.of("old"))).isNull();
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void aTaskWhoseRecordsAreAllDeletedDisappears() {
        table.reset(2, List.of(kv("ns/tasks/t/spec", SPEC, 0), kv("ns/tasks/t/state", INITIAL, 0)));

        table.apply(List.of(delete("ns/tasks/t/spec"), delete("ns/tasks/t/state")));

        assertThat(table.entry(TaskId.of("t"))).isNull();
        assertThat(table.taskInfos()).isEmpty();
    }

    @Test
    void corruptRecordsMakeATaskInvalidAndUnrunnableWithoutTouchingOthers() {
        table.reset(2, List.of(kv("ns/tasks/bad/spec", "{\"properties\":[]}", 0), kv("ns/tasks/good/spec", SPEC, 0),
                kv("ns/tasks/worse/spec", SPEC, 0), kv("ns/tasks/worse/state", "{}", 0)));

        assertThat(table.entry(TaskId.of("bad")).runnable()).isFalse();
        assertThat(table.entry(TaskId.of("worse")).runnable()).isFalse();
        assertThat(table.entry(TaskId.of("good")).runnable()).isTrue();
        assertThat(table.taskInfos()).extracting(TaskInfo::valid).containsExactly(false, true, false);
        assertThat(TaskTable.info(table.entry(TaskId.of("bad"))).problems()).singleElement().asString()
                .endsWith("field \"properties\" must be a JSON object, is array");
    }

    @Test
    void aTaskWithoutASpecIsListedWithAProblem() {
        table.reset(2, List.of(kv("ns/tasks/orphan/owner", "m1", 3)));

        assertThat(TaskTable.info(table.entry(TaskId.of("orphan"))).problems())
                .containsExactly("task \"orphan\" has no spec record");
    }

    @Test
    void membersAndTheirClaimsAreListedWithFrozenFlags() {
        table.reset(2, List.of(kv("ns/members/m1", "{\"frozen\":true}", 11), kv("ns/members/m2", "oops", 12),
                kv("ns/tasks/t/spec", SPEC, 0), kv("ns/tasks/t/owner", "m1", 11)));

        List<MemberInfo> members = table.memberInfos();

        assertThat(members).extracting(MemberInfo::id).containsExactly("m1", "m2");
        assertThat(members.get(0).frozen()).isTrue();
        assertThat(members.get(0).lease()).isEqualTo(11);
        assertThat(members.get(0).tasks()).extracting(MemberInfo.Claim::task).containsExactly(TaskId.of("t"));
        assertThat(members.get(1).problems()).singleElement().asString().startsWith("invalid member record \"oops\"");
    }

    @Test
    void commandsAreKeptInTheOrderTheStoreCreatedThem() {
        table.reset(1, List.of());

        table.apply(List.of(
                put(kv("ns/commands/tasks/t/zz", "{\"command\":\"pause\"}", 0)),
                put(kv("ns/commands/tasks/t/aa", "{\"command\":\"resume\"}", 0)),
                put(kv("ns/commands/members/m1/x", "{\"command\":\"freeze\"}", 0))));
        TaskTable.Changes changes = table.takeChanges();

        assertThat(changes.commandedTasks()).containsExactly(TaskId.of("t"));
        assertThat(changes.memberCommands()).isTrue();
        assertThat(table.taskCommands(TaskId.of("t"))).extracting(KeyValue::key)
                .containsExactly("ns/commands/tasks/t/zz", "ns/commands/tasks/t/aa");
        assertThat(table.memberCommands("m1")).extracting(KeyValue::key).containsExactly("ns/commands/members/m1/x");
        assertThat(table.memberCommands("m")).isEmpty();

        table.apply(List.of(delete("ns/commands/tasks/t/zz")));
        assertThat(table.takeChanges().commandedTasks()).isEmpty();
        assertThat(table.hasCommand("ns/commands/tasks/t/zz")).isFalse();
        assertThat(table.hasCommand("ns/commands/tasks/t/aa")).isTrue();
    }

    @Test
    void keysOutsideTheLayoutAreIgnoredButAdvanceTheRevision() {
        table.reset(1, List.of(kv("ns/election/x", "v", 0), kv("ns/tasks/t/props", "{}", 0)));

        table.apply(List.of(put(kv("ns/other", "v", 0))));

        assertThat(table.takeChanges().any()).isFalse();
        assertThat(table.taskInfos()).isEmpty();
        assertThat(table.revision()).isEqualTo(revision);
    }

    @Test
    void changesAccumulateUntilTakenAndTheLatestOwnerEventWins() {
        table.reset(1, List.of());
        table.apply(List.of(put(kv("ns/tasks/t/owner", "m1", 7))));
        table.apply(List.of(delete("ns/tasks/t/owner"), put(kv("ns/members/m2", "{\"frozen\":false}", 9))));

        TaskTable.Changes changes = table.takeChanges();

        assertThat(changes.ownerEvents()).containsExactly(java.util.Map.entry(TaskId.of("t"), revision - 1));
        assertThat(changes.members()).isTrue();
        assertThat(table.takeChanges().any()).isFalse();
    }

    @Test
    void progressAdvancesTheRevision() {
        table.reset(5, List.of());
        table.advanceTo(9);
        assertThat(table.revision()).isEqualTo(9);
        table.advanceTo(7);
        assertThat(table.revision()).isEqualTo(9);
    }

    @Test
    void aResyncReportsWhatVanishedAndWhatIsThereAsChanges() {
        table.reset(2, List.of(kv("ns/tasks/gone/spec", SPEC, 0), kv("ns/tasks/kept/spec", SPEC, 0),
                kv("ns/tasks/kept/owner", "m1", 5), kv("ns/members/m1", "{\"frozen\":false}", 5)));

        table.resync(40, List.of(kv("ns/tasks/kept/spec", SPEC, 0), kv("ns/tasks/new/spec", SPEC, 0)));

        TaskTable.Changes changes = table.takeChanges();
        assertThat(table.entry(TaskId.of("gone"))).isNull();
        assertThat(table.entry(TaskId.of("kept")).hasOwner()).isFalse();
        assertThat(table.entry(TaskId.of("new")).runnable()).isTrue();
        assertThat(table.members()).isEmpty();
        assertThat(changes.tasks()).containsExactlyInAnyOrder(TaskId.of("gone"), TaskId.of("kept"), TaskId.of("new"));
        assertThat(changes.ownerEvents()).containsEntry(TaskId.of("kept"), 40L);
        assertThat(changes.members()).isTrue();
        assertThat(table.revision()).isEqualTo(40);
    }

    @Test
    void aMembersTableKeepsNoBodiesButWhatItDecidesBy() {
        TaskTable compact = new TaskTable(new Keyspace("ns/"), false);
        compact.reset(2, List.of(kv("ns/tasks/t/spec", SPEC, 0), kv("ns/tasks/t/state", INITIAL, 0)));

        TaskTable.Entry entry = compact.entry(TaskId.of("t"));
        assertThat(entry.bodies).isNull();
        assertThat(entry.status).isEqualTo(TaskStatus.RUNNABLE);
        assertThat(entry.runnable()).isTrue();
        assertThat(entry.recordBytes()).isEqualTo(SPEC.length() + INITIAL.length());
    }

    private KeyValue kv(String key, String value, long lease) {
        revision++;
        return new KeyValue(key, value.getBytes(StandardCharsets.UTF_8), revision, revision, 1, lease);
    }

    private static WatchEvent put(KeyValue kv) {
        return new WatchEvent(WatchEvent.Type.PUT, kv);
    }

    private WatchEvent delete(String key) {
        revision++;
        return new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(key, new byte[0], 0, revision, 0, 0));
    }
}
