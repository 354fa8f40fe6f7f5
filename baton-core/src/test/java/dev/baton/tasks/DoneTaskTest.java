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
        DoneTask done = new DoneTask(COMPLETED, Optional.of(spec), Optional.empty());

        assertThat(DoneTask.decode(done.encode())).isEqualTo(done);
        assertThat(done.encode()).startsWith(COMPLETED.encode().substring(0, COMPLETED.encode().length() - 1))
                .endsWith(",\"task\":" + spec.encode() + "}");
    }

    @Test
    void aDoneRecordKeepsTheResultThroughItsEncoding() {
        DoneTask done = new DoneTask(COMPLETED, Optional.empty(),
                Optional.of(TaskResult.parse("{\"rows\": 12, \"ratio\": 1.50, \"file\": \"out.csv\"}")));

        assertThat(done.encode()).endsWith(",\"result\":{\"rows\":12,\"ratio\":1.5,\"file\":\"out.csv\"}}");
        assertThat(DoneTask.decode(done.encode())).isEqualTo(done);
    }

    @Test
    void aResultOverItsLimitIsRefusedNamingItsSize() {
        String large = "{\"text\":\"" + "x".repeat(TaskResult.MAX_ENCODED_BYTES) + "\"}";
        assertThatThrownBy(() -> TaskResult.parse(large)).isInstanceOf(TaskFormatException.class)
                .hasMessageContaining("must be at most 8192 bytes of UTF-8, is " + (TaskResult.MAX_ENCODED_BYTES + 11));
        assertThatThrownBy(() -> TaskResult.parse("[1]")).isInstanceOf(TaskFormatException.class)
                .hasMessageContaining("must be a JSON object, is array");
    }

    @Test
    void aDoneRecordWithoutTheSpecReadsAsTheFinalStateAlone() {
        assertThat(DoneTask.decode(COMPLETED.encode())).isEqualTo(new DoneTask(COMPLETED, Optional.empty(), Optional.empty()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"state\":\"completed\",\"since\":\"2024-05-01T10:00:00Z\",\"attempts\":1,\"task\":7}",
        "{\"state\":\"completed\",\"since\":\"2024-05-01T10:00:00Z\",\"attempts\":1,\"task\":{\"submitted\":\"x\"}}",
        "{\"state\":\"completed\",\"since\":\"2024-05-01T10:00:00Z\",\"attempts\":1,\"spec\":{}}",
        "{\"state\":\"completed\",\"since\":\"2024-05-01T10:00:00Z\",\"attempts\":1,\"result\":\"done\"}",
        "{\"since\":\"2024-05-01T10:00:00Z\",\"attempts\":1,\"task\":{}}",
        "[]"})
    void aDoneRecordThatEncodeCouldNotHaveWrittenIsRefused(String json) {
        assertThatThrownBy(() -> DoneTask.decode(json)).isInstanceOf(TaskFormatException.class);
    }
}
