package dev.baton.bench.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void statementsAreSplitAtSemicolonsWithoutCommentsOrBlanks() {
        String script = """
                -- a table
                CREATE TABLE t (
                    a INT,   -- trailing text stays: only whole comment lines go
                    b TEXT
                );

                  -- an index
                CREATE INDEX i ON t (a);
                ;
                """;

        assertThat(SqlScript.statements(script)).containsExactly(
                "CREATE TABLE t (\n    a INT,   -- trailing text stays: only whole comment lines go\n    b TEXT\n)",
                "CREATE INDEX i ON t (a)");
    }

    @Test
    void dbSchedulersTableIsOneTableAndItsThreeIndexes() {
        assertThat(SqlScript.resource(DbSchedulerFleet.TABLE_DDL))
                .hasSize(4)
                .satisfies(statements -> assertThat(statements.get(0)).startsWith("CREATE TABLE IF NOT EXISTS scheduled_tasks")
                        .contains("PRIMARY KEY (task_name, task_instance)"))
                .allSatisfy(statement -> assertThat(statement).doesNotContain("--"));
    }

    @Test
    void aMissingResourceIsAnErrorNamingIt() {
        assertThatThrownBy(() -> SqlScript.resource("dbscheduler/none.sql"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("dbscheduler/none.sql");
    }
}
