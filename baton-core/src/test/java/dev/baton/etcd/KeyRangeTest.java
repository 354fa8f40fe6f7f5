package dev.baton.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeyRangeTest {

    @Test
    void prefixEndIncrementsTheLastByte() {
        assertThat(KeyRange.prefix("tasks/").endBytes().toString(StandardCharsets.UTF_8)).isEqualTo("tasks0");
    }

    @Test
    void prefixWithTrailingSlashDoesNotMatchSiblings() {
        KeyRange range = KeyRange.prefix("tasks/a/");
        assertThat(range.contains("tasks/a/owner")).isTrue();
        assertThat(range.contains("tasks/ab/owner")).isFalse();
    }

    @Test
    void singleKeyContainsOnlyItself() {
        assertThat(KeyRange.key("a").contains("a")).isTrue();
        assertThat(KeyRange.key("a").contains("ab")).isFalse();
    }

    @Test
    void emptyKeyIsRejected() {
        assertThatThrownBy(() -> KeyRange.prefix("")).hasMessageContaining("must not be empty");
    }
}
