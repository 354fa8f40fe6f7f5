package dev.baton.bench.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresBinariesTest {

    @TempDir
    Path root;

    private Path programs(Path dir, String... names) throws IOException {
        Files.createDirectories(dir);
        for (String name : names) {
            Path program = Files.createFile(dir.resolve(name));
            Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }

    @Test
    void theEnvironmentVariableWinsOverPathAndDebiansLayout() throws IOException {
        Path configured = programs(root.resolve("configured"), "initdb", "postgres");
        Path onPath = programs(root.resolve("path"), "initdb", "postgres");
        Path debian = root.resolve("debian");
        programs(debian.resolve("15/bin"), "initdb", "postgres");

        assertThat(PostgresBinaries.find(configured.toString(), onPath.toString(), debian)).isEqualTo(configured);
    }

    @Test
    void anEnvironmentVariableWithoutBothProgramsIsAnErrorNamingIt() throws IOException {
        Path half = programs(root.resolve("half"), "postgres");

        assertThatThrownBy(() -> PostgresBinaries.find(half.toString(), null, root.resolve("none")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(PostgresBinaries.ENV + "=" + half);
    }

    @Test
    void theFirstPathDirectoryHoldingBothProgramsIsTaken() throws IOException {
        Path onlyInitdb = programs(root.resolve("a"), "initdb");
        Path both = programs(root.resolve("b"), "initdb", "postgres");
        Path later = programs(root.resolve("c"), "initdb", "postgres");
        String path = String.join(File.pathSeparator, onlyInitdb.toString(), "", both.toString(), later.toString());

        assertThat(PostgresBinaries.find(null, path, root.resolve("none"))).isEqualTo(both);
    }

    @Test
    void withoutPathTheNewestDebianVersionIsTaken() throws IOException {
        Path debian = root.resolve("debian");
        programs(debian.resolve("9.6/bin"), "initdb", "postgres");
        programs(debian.resolve("13/bin"), "initdb", "postgres");
        programs(debian.resolve("15/bin"), "initdb", "postgres");
        programs(debian.resolve("16/bin"), "postgres");
        programs(debian.resolve("extra/bin"), "initdb", "postgres");

        assertThat(PostgresBinaries.find("", "", debian)).isEqualTo(debian.resolve("15/bin"));
    }

    @Test
    void nothingFoundIsAnErrorNamingWhatWasSearched() {
        assertThatThrownBy(() -> PostgresBinaries.find(null, "/nowhere", root.resolve("debian")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/nowhere").hasMessageContaining(root.resolve("debian").toString())
                .hasMessageContaining(PostgresBinaries.ENV);
    }

    @Test
    void versionsAreOrderedByTheirNumbersNotTheirNames() {
        PostgresBinaries.Version ten = PostgresBinaries.version("10").orElseThrow();
        PostgresBinaries.Version nineSix = PostgresBinaries.version("9.6").orElseThrow();
        PostgresBinaries.Version nineTen = PostgresBinaries.version("9.10").orElseThrow();

        assertThat(ten).isGreaterThan(nineTen);
        assertThat(nineTen).isGreaterThan(nineSix);
        assertThat(PostgresBinaries.version("main")).isEmpty();
        assertThat(PostgresBinaries.version("15.")).isEmpty();
    }
}
