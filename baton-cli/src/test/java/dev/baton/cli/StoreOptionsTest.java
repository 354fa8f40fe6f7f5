package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What every client command does when the store is not there or its options are malformed. */
class StoreOptionsTest {

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void anUnreachableStoreIsNamedAndExitsWithOneWithinTenSeconds() throws IOException {
        String endpoint = "127.0.0.1:" + freePort();
        StringWriter err = new StringWriter();
        CommandLine cli = BatonCommand.commandLine();
        cli.setErr(new PrintWriter(err));
        long start = System.nanoTime();
        int code = cli.execute("watch", "--endpoints", endpoint);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("baton watch: cannot reach the store at http://" + endpoint)
                .doesNotContain("\tat ");
        assertThat(took).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void endpointsAreParsedAndNormalised() {
        assertThat(new StoreOptions.EndpointList().convert("h1:1, https://h2:2")).isEqualTo("http://h1:1,https://h2:2");
    }

    @Test
    void aNamespaceLosesItsTrailingSlash() {
        assertThat(new StoreOptions.Namespace().convert("team/a/")).isEqualTo("team/a");
    }
}
