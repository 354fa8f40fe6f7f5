package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.testkit.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input gets a precise error or a visible status; members keep working. */
class BadInputTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private LiveFleet fleet;

    @BeforeEach
    void startFleet() {
        fleet = new LiveFleet(ETCD.endpoint(), "bad-input");
    }

    @AfterEach
    void stopFleet() {
        fleet.close();
    }

    @Test
    void invalidIdsAndOversizedPropertiesAreRefusedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> fleet.client().submit(TaskId.of("a/b"), TaskProperties.empty()))
                .isInstanceOf(TaskFormatException.class)
                .hasMessage("invalid task id \"a/b\": must not contain '/' (at index 1)");
        String huge = "{\"blob\":\"" + "x".repeat(TaskProperties.MAX_ENCODED_BYTES) + "\"}";
        assertThatThrownBy(() -> TaskProperties.parse(huge))
                .isInstanceOf(TaskFormatException.class)
                .hasMessageContaining("must be at most 65536 bytes of UTF-8, is 65547");
        assertThatThrownBy(() -> TaskMember.builder(fleet.etcd(), "x\ny"))
                .isInstanceOf(TaskFormatException.class)
                .hasMessage("invalid member id \"x\\u000ay\": must not contain control character U+000A (at index 1)");
        assertThat(fleet.client().list()).isEmpty();
    }

    @Test
    void corruptTaskRecordsAreListedAsInvalidAndMembersRunTheOthers() throws Exception {
        Set<TaskId> ran = ConcurrentHashMap.newKeySet();
        put("tasks/corrupt-spec/spec", "{\"properties\":");
        fleet.client().submit(TaskId.of("corrupt-state"), TaskProperties.empty());
        put("tasks/corrupt-state/state", "[1,2,3]");
        put("tasks/no such part/extra", "?");
        fleet.start("a", b -> b.handler(context -> ran.add(context.id())));
        fleet.start("b", b -> b.handler(context -> ran.add(context.id())));
        List<TaskId> good = fleet.submit("good", 10);

        await().until(() -> ran.containsAll(good));

        assertThat(ran).containsExactlyInAnyOrderElementsOf(good);
        TaskInfo corruptSpec = fleet.client().get(TaskId.of("corrupt-spec")).orElseThrow();
        assertThat(corruptSpec.valid()).isFalse();
        assertThat(corruptSpec.owner()).isEmpty();
        assertThat(corruptSpec.problems()).singleElement().asString().startsWith("invalid task spec");
        TaskInfo corruptState = fleet.client().get(TaskId.of("corrupt-state")).orElseThrow();
        assertThat(corruptState.problems()).singleElement().asString()
                .isEqualTo("invalid task state \"[1,2,3]\": must be a JSON object, is array");
        assertThat(corruptState.owner()).isEmpty();
        assertThat(fleet.member("a").status().session()).isEqualTo(dev.baton.session.SessionState.CONNECTED);
    }

    @Test
    void unknownAndMalformedCommandsAreReportedAndRemoved() throws Exception {
        TaskId task = TaskId.of("steady");
        fleet.start("a", b -> b.statefulHandler(context -> {
            context.awaitStop(Duration.ofMinutes(1));
            return TaskMessage.checkpoint("stopped");
        }));
        fleet.client().submit(task, TaskProperties.empty());
        await().until(() -> owner(task).isPresent());

        put("commands/members/a/1-explode", "{\"command\":\"explode\"}");
        put("commands/members/a/2-garbage", "not json at all");
        fleet.client().send("a", MemberCommand.release(TaskId.of("not-held")));
        put("commands/tasks/steady/1-dance", "{\"command\":\"dance\"}");
        fleet.client().send(task, TaskCommand.RESUME);

        await().until(() -> fleet.member("a").status().rejected().size() == 5);
        List<String> reasons = fleet.member("a").status().rejected().stream().map(RejectedCommand::reason).toList();
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("unknown command \"explode\""))
                .anySatisfy(r -> assertThat(r).contains("not valid JSON"))
                .anySatisfy(r -> assertThat(r).contains("task \"not-held\" is not held by member a"))
                .anySatisfy(r -> assertThat(r).contains("unknown command \"dance\""))
                .anySatisfy(r -> assertThat(r).contains("illegal task transition (RUNNABLE, RUN)"));
        await().until(() -> fleet.etcd().range(dev.baton.etcd.KeyRange.prefix(fleet.namespace() + "commands/"))
                .join().kvs().isEmpty());
        assertThat(fleet.member("a").status().tasks()).singleElement()
                .satisfies(held -> assertThat(held.running()).isTrue());
        assertThat(owner(task)).contains("a");
    }

    private Optional<String> owner(TaskId task) {
        return fleet.client().get(task).flatMap(TaskInfo::owner).map(TaskOwner::member);
    }

    private void put(String key, String value) throws Exception {
        fleet.etcd().put(fleet.namespace() + key, value.getBytes(StandardCharsets.UTF_8), 0).get();
    }
}
