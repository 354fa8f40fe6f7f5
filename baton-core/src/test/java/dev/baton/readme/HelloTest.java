package dev.baton.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.etcd.Etcd;
import dev.baton.server.EmbeddedEtcd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first program of {@code README.md} and {@code baton-core/README.md} is {@link Hello}: both
 * READMEs show its text (without the package line), and it runs against a server.
 */
class HelloTest {
    static final Path SOURCE = Path.of("src/test/java/dev/baton/readme/Hello.java");

    @TempDir
    Path dataDir;

    @Test
    void theReadmesShowTheProgramThisTestCompiles() throws IOException {
        String program = Files.readString(SOURCE).replaceFirst("package [^;]+;\\s*", "");
        assertThat(Files.readString(Path.of("README.md"))).contains(program);
        assertThat(Files.readString(Path.of("../README.md"))).contains(program);
    }

    @Test
    void theProgramRegistersLeadsAndLeavesNothingBehind() throws Exception {
        try (EmbeddedEtcd server = EmbeddedEtcd.builder().listen("127.0.0.1", 0).dataDir(dataDir).build().start()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream stdout = System.out;
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            try {
                Hello.main(new String[] {server.endpoint(), "worker-1"});
            } finally {
                System.setOut(stdout);
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("(?m)^worker-1 leads with fencing token [0-9]+$");
            try (Etcd etcd = Etcd.builder().endpoints(server.endpoint()).build()) {
                assertThat(etcd.get("hello/members/worker-1").get()).isEmpty();
            }
        }
    }
}
