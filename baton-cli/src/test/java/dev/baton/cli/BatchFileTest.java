package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskOptions;
import dev.baton.tasks.TaskProperties;
import dev.baton.tasks.TaskSubmission;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BatchFileTest {

    private static BatchFile.Contents read(String text) throws IOException {
        return BatchFile.read(new BufferedReader(new StringReader(text)));
    }

    @Test
    void linesBecomeTasksInOrderWithOptionalPropertiesNotBeforeAndOptions() throws IOException {
        BatchFile.Contents contents = read("""
                {"id":"a","properties":{"argv":["echo","hi"]},"notBefore":"2030-01-01T00:00:00Z"}

                {"id":"b"}
                {"properties":{"n":1.50},"id":"c"}
                {"id":"d","options":{"timeout":"PT30S","priority":5}}
                """);

        assertThat(contents.problems()).isEmpty();
        assertThat(contents.tasks()).containsExactly(
                TaskSubmission.of(TaskId.of("a"), TaskProperties.parse("{\"argv\":[\"echo\",\"hi\"]}"),
                        Instant.parse("2030-01-01T00:00:00Z")),
                TaskSubmission.of(TaskId.of("b"), TaskProperties.empty()),
                TaskSubmission.of(TaskId.of("c"), TaskProperties.parse("{\"n\":1.5}")),
                TaskSubmission.of(TaskId.of("d"), TaskProperties.empty())
                        .withOptions(TaskOptions.defaults().withTimeout(Duration.ofSeconds(30)).withPriority(5)));
    }

    @Test
    void everyBadLineIsNamedWithWhatIsWrong() throws IOException {
        BatchFile.Contents contents = read("""
                {"id":"ok"}
                {"id":"ok"}
                not json
                ["a"]
                {"id":7}
                {"properties":{}}
                {"id":"x","colour":"red"}
                {"id":"y","properties":[1]}
                {"id":"z","notBefore":"tomorrow"}
                {"id":"a/b"}
                {"id":"w","id":"v"}
                {"id":"u","options":{"timeout":"soon"}}
                {"id":"t","options":7}
                """);

        assertThat(contents.problems()).satisfiesExactly(
                p -> assertThat(p).isEqualTo("line 2: id \"ok\" was already given on line 1"),
                p -> assertThat(p).startsWith("line 3: not valid JSON: "),
                p -> assertThat(p).startsWith("line 4: must be a JSON object"),
                p -> assertThat(p).isEqualTo("line 5: field \"id\" must be a string, is 7"),
                p -> assertThat(p).isEqualTo("line 6: field \"id\" must be a string, is missing"),
                p -> assertThat(p).isEqualTo("line 7: unknown field \"colour\"; expected id, properties, notBefore, options"),
                p -> assertThat(p).isEqualTo("line 8: field \"properties\" must be a JSON object, is [1]"),
                p -> assertThat(p).isEqualTo("line 9: field \"notBefore\" must be an ISO-8601 instant such as "
                        + "\"2030-01-01T00:00:00Z\", is \"tomorrow\""),
                p -> assertThat(p).isEqualTo("line 10: invalid task id \"a/b\": must not contain '/' (at index 1)"),
                p -> assertThat(p).startsWith("line 11: not valid JSON: Duplicate field 'id'"),
                p -> assertThat(p).startsWith("line 12: ").contains("\"timeout\"").contains("soon"),
                p -> assertThat(p).isEqualTo("line 13: field \"options\" must be a JSON object, is 7"));
    }
}
