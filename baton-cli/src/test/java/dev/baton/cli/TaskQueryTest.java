package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.tasks.TaskStatus;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading the query string of {@code GET /api/tasks}: defaults, decoding, and the values refused. */
class TaskQueryTest {
    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"state=&owner=&prefix=&after=", "limit="})
    void noParametersAskForTheFirstPageOfEveryTask(String rawQuery) {
        TaskQuery query = TaskQuery.parse(rawQuery);

        assertThat(query).isEqualTo(new TaskQuery(Optional.empty(), Optional.empty(), "", Optional.empty(),
                TaskQuery.DEFAULT_LIMIT));
    }

    @Test
    void everyParameterIsReadAndDecoded() {
        TaskQuery query = TaskQuery.parse("state=failed&owner=w%201&prefix=job%C3%A9&after=job%C3%A9-7&limit=500");

        assertThat(query).isEqualTo(new TaskQuery(Optional.of(TaskStatus.FAILED), Optional.of("w 1"), "jobé",
                Optional.of("jobé-7"), TaskQuery.MAX_LIMIT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=-1", "limit=2147483648", "after=%ZZ", "prefix=%0A"})
    void aValueThatIsNotOneIsRefusedNamingIt(String rawQuery) {
        String value = rawQuery.substring(rawQuery.indexOf('=') + 1);

        assertThatThrownBy(() -> TaskQuery.parse(rawQuery)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(value.startsWith("%0") ? "prefix" : value);
    }
}
