package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class KeyspaceTest {

    private final Keyspace keys = new Keyspace("ns/");

    @Test
    void keysFollowTheDocumentedLayout() {
        TaskId task = TaskId.of("t1");
        assertThat(keys.spec(task)).isEqualTo("ns/tasks/t1/spec");
        assertThat(keys.owner(task)).isEqualTo("ns/tasks/t1/owner");
        assertThat(keys.state(task)).isEqualTo("ns/tasks/t1/state");
        assertThat(keys.done(task)).isEqualTo("ns/tasks/t1/done");
        assertThat(keys.taskPrefix(task)).isEqualTo("ns/tasks/t1/");
        assertThat(keys.member("m")).isEqualTo("ns/members/m");
        assertThat(keys.memberCommandPrefix("m")).isEqualTo("ns/commands/members/m/");
        assertThat(keys.taskCommandPrefix(task)).isEqualTo("ns/commands/tasks/t1/");
    }

    @Test
    void theKeysOfTaskADoNotShareAPrefixWithTaskAb() {
        assertThat(keys.spec(TaskId.of("ab"))).doesNotStartWith(keys.taskPrefix(TaskId.of("a")));
        assertThat(keys.taskCommandPrefix(TaskId.of("ab"))).doesNotStartWith(keys.taskCommandPrefix(TaskId.of("a")));
    }

    static Stream<Arguments> parsedKeys() {
        return Stream.of(
                Arguments.of("ns/tasks/t1/spec", new Keyspace.TaskKey(TaskId.of("t1"), Keyspace.Part.SPEC)),
                Arguments.of("ns/tasks/t1/owner", new Keyspace.TaskKey(TaskId.of("t1"), Keyspace.Part.OWNER)),
                Arguments.of("ns/tasks/t1/state", new Keyspace.TaskKey(TaskId.of("t1"), Keyspace.Part.STATE)),
                Arguments.of("ns/tasks/t1/done", new Keyspace.TaskKey(TaskId.of("t1"), Keyspace.Part.DONE)),
                Arguments.of("ns/members/m1", new Keyspace.MemberKey("m1")),
                Arguments.of("ns/commands/members/m1/0001-ab", new Keyspace.MemberCommandKey("m1")),
                Arguments.of("ns/commands/tasks/t1/0001-ab", new Keyspace.TaskCommandKey(TaskId.of("t1"))),
                Arguments.of("ns/election/abc", new Keyspace.Foreign()),
                Arguments.of("ns/tasks/t1", new Keyspace.Stray("not of the form tasks/<id>/<part>")),
                Arguments.of("ns/tasks/t1/props", new Keyspace.Stray(
                        "unknown task key part \"props\"; expected spec, owner, state or done")),
                Arguments.of("ns/tasks/t\u0001/spec", new Keyspace.Stray(
                        "invalid task id \"t\\u0001\": must not contain control character U+0001 (at index 1)")),
                Arguments.of("ns/commands/tasks/t1/", new Keyspace.Stray("not of the form commands/<target>/<name>")),
                Arguments.of("ns/members/", new Keyspace.Stray("invalid member id \"\": must not be empty")));
    }

    @ParameterizedTest
    @MethodSource("parsedKeys")
    void everyKeyOfTheNamespaceIsClassified(String key, Keyspace.Parsed expected) {
        assertThat(keys.parse(key)).isEqualTo(expected);
    }

    @Test
    void aNamespaceEndsInASlashAndHasNoControlCharacters() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Keyspace(""))
                .withMessage("namespace must be non-empty and end in '/', is \"\"");
        assertThatIllegalArgumentException().isThrownBy(() -> new Keyspace("a\n/"))
                .withMessage("namespace must not contain control characters, is \"a\\u000a/\"");
    }
}
