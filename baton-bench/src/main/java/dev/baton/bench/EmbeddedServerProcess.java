package dev.baton.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The embedded server in its own JVM ({@link EmbeddedServerMain}), as real etcd runs in its own
 * process; started by {@link BenchRun#startEmbeddedServer}, stopped with SIGTERM.
 */
public final class EmbeddedServerProcess implements AutoCloseable {
    private final Process process;
    private final String endpoint;

    private EmbeddedServerProcess(Process process, String endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    static EmbeddedServerProcess start(Path dataDir, List<String> jvmOptions) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), EmbeddedServerMain.class.getName(),
                dataDir.toString()));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("READY ")) {
                    return new EmbeddedServerProcess(process, line.substring("READY ".length()));
                }
            }
            throw new IllegalStateException("the embedded server exited before serving (exit code "
                    + process.waitFor() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The server JVM's process id. */
    public long pid() {
        return process.pid();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return endpoint;
    }

    /** Stops the server (SIGTERM, then SIGKILL after 30 s); idempotent. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
