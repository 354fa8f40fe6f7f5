package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaskSpecTest {

    private static final Instant SUBMITTED = Instant.parse("2024-05-01T10:00:00.123456Z");

    @Test
    void aSpecSurvivesItsEncodingWithAndWithoutNotBefore() {
        TaskSpec plain = new TaskSpec(TaskProperties.parse("{\"x\":[1,2]}"), SUBMITTED, Optional.empty());
        TaskSpec later = new TaskSpec(TaskProperties.empty(), SUBMITTED, Optional.of(SUBMITTED.plusSeconds(60)));

        assertThat(TaskSpec.decode(plain.encode())).isEqualTo(plain);
        assertThat(TaskSpec.decode(later.encode())).isEqualTo(later);
        assertThat(plain.encode())
                .isEqualTo("{\"properties\":{\"x\":[1,2]},\"submitted\":\"2024-05-01T10:00:00.123456Z\"}");
    }

    @Test
    void optionsAreStoredOnlyWhenSetAndReadBack() {
        TaskOptions options = TaskOptions.defaults().withTimeout(Duration.ofSeconds(30)).withPriority(-2)
                .withRetryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(250))
                        .maxBackoff(Duration.ofSeconds(4)).multiplier(1.5).jitter(0.1).build());
        TaskSpec spec = new TaskSpec(TaskProperties.empty(), SUBMITTED, Optional.empty(), options);

        assertThat(TaskSpec.decode(spec.encode())).isEqualTo(spec);
        assertThat(spec.encode()).isEqualTo("{\"properties\":{},\"submitted\":\"2024-05-01T10:00:00.123456Z\","
                + "\"options\":{\"timeout\":\"PT30S\",\"priority\":-2,\"retry\":{\"maxAttempts\":3,"
                + "\"initialBackoff\":\"PT0.25S\",\"maxBackoff\":\"PT4S\",\"multiplier\":1.5,\"jitter\":0.1}}}");
        assertThat(TaskSpec.decode("{\"properties\":{},\"submitted\":\"2024-05-01T10:00:00Z\"}").options())
                .isEqualTo(TaskOptions.defaults());
    }

    @Test
    void aTasksHandlerMayStartFromItsNotBeforeInstantOn() {
        TaskSpec later = new TaskSpec(TaskProperties.empty(), SUBMITTED, Optional.of(SUBMITTED.plusSeconds(60)));

        assertThat(later.startableAt(SUBMITTED.plusSeconds(59))).isFalse();
        assertThat(later.startableAt(SUBMITTED.plusSeconds(60))).isTrue();
        assertThat(new TaskSpec(TaskProperties.empty(), SUBMITTED, Optional.empty()).startableAt(SUBMITTED)).isTrue();
    }

    static Stream<Arguments> corruptSpecs() {
        return Stream.of(
                Arguments.of("", "must be a JSON object, is empty"),
                Arguments.of("{\"submitted\":\"2024-05-01T10:00:00Z\"}", "field \"properties\" is required"),
                Arguments.of("{\"properties\":{},\"submitted\":\"yesterday\"}",
                        "field \"submitted\" must be an ISO-8601 instant"),
                Arguments.of("{\"properties\":{},\"submitted\":\"2024-05-01T10:00:00Z\",\"owner\":\"x\"}",
                        "unknown field \"owner\""),
                Arguments.of("{\"properties\":\"{}\",\"submitted\":\"2024-05-01T10:00:00Z\"}",
                        "field \"properties\" must be a JSON object, is string"),
                Arguments.of("{\"properties\":{},\"submitted\":\"2024-05-01T10:00:00Z\",\"options\":{\"timeout\":\"PT0S\"}}",
                        "field \"options\": a task timeout must be positive, is PT0S"),
                Arguments.of("{\"properties\":{},\"submitted\":\"2024-05-01T10:00:00Z\",\"options\":{\"priority\":1.5}}",
                        "field \"options\": field \"priority\" must be a 32-bit integer, is 1.5"),
                Arguments.of("{\"properties\":{},\"submitted\":\"2024-05-01T10:00:00Z\",\"options\":{\"retry\":{\"maxAttempts\":0}}}",
                        "field \"options\": "),
                Arguments.of("{\"properties\":{},\"submitted\":\"2024-05-01T10:00:00Z\",\"options\":{\"urgent\":true}}",
                        "field \"options\": unknown field \"urgent\""));
    }

    @ParameterizedTest
    @MethodSource("corruptSpecs")
    void corruptSpecsAreRefusedNamingTheRule(String json, String rule) {
        assertThatThrownBy(() -> TaskSpec.decode(json))
                .isInstanceOf(TaskFormatException.class)
                .hasMessageStartingWith("invalid task spec ")
                .hasMessageContaining(rule);
    }

    @Test
    void membersRecordsAreStrict() {
        assertThat(MemberRecord.decode(new MemberRecord(true).encode())).isEqualTo(new MemberRecord(true));
        assertThatThrownBy(() -> MemberRecord.decode("{\"frozen\":\"yes\"}"))
                .hasMessageContaining("field \"frozen\" must be true or false, is string");
    }
}
