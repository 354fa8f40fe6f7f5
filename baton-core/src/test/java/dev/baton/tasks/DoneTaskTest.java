package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DoneTaskTest {

    private static final Instant SUBMITTED = Instant.parse("2024-05-01T10:00:00.123456Z");
    private static final TaskState COMPLETED = TaskStateMachine.builder().build()
            .apply(TaskState.initial(SUBMITTED), TaskMessage.complete());

    @Test
    void aDoneRecordKeepsTheFinalStateAndTheSpecThroughItsEncoding() {
        TaskSpec spec = new TaskSpec(TaskProperties.parse("{\"order\":42}"), SUBMITTED,
                Optional.of(SUBMITTED.plusSeconds(60)));
        DoneTask done = new DoneTask(COMPLETED, Optional.of(spec));

        assertThat(DoneTask.decode(done.encode())).isEqualTo(done);
        assertThat(done.encode()).startsWith(COMPLETED.encode().substring(0, COMPLETED.encode().length() - 1))
                .endsWith(",\"task\":" + spec.encode() + "}");
    }

    @Test
    void aDoneRecordWithoutTheSpecReadsAsTheFinalStateAlone() {
        assertThat(DoneTask.decode(COMPLETED.encode())).isEqualTo(new DoneTask(COMPLETED, Optional.empty()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"state\":\"completed\",\"since\":\"2024-05-01T10:00:00Z\",\"attempts\":1,\"task\":7}",
        "{\"state\":\"completed\",\"since\":\"2024-05-01T10:00:00Z\",\"attempts\":1,\"task\":{\"submitted\":\"x\"}}",
        "{\"state\":\"completed\",\"since\":\"2024-05-01T10:00:00Z\",\"attempts\":1,\"spec\":{}}",
        "{\"since\":\"2024-05-01T10:00:00Z\",\"attempts\":1,\"task\":{}}",
        "[]"})
    void aDoneRecordThatEncodeCouldNotHaveWrittenIsRefused(String json) {
        assertThatThrownBy(() -> DoneTask.decode(json)).isInstanceOf(TaskFormatException.class);
    }
}
