package dev.baton.testkit.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's example is {@link OrdersTest}: shown there, compiled and run here. */
class ReadmeTest {
    @Test
    void theReadmeShowsTheExampleThisBuildRuns() throws IOException {
        String example = Files.readString(Path.of("src/test/java/dev/baton/testkit/embedded/OrdersTest.java"))
                .replaceFirst("package [^;]+;\\s*", "");
        assertThat(Files.readString(Path.of("README.md"))).contains(example);
    }
}
