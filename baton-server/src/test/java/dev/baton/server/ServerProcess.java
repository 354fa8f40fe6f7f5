package dev.baton.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link ServerProcessMain} in a child JVM, killable with {@code SIGKILL}. */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final String endpoint;

    private ServerProcess(Process process, String endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Starts the server on {@code dataDir}, its output appended to {@code log}; waits until it serves. */
    static ServerProcess start(Path dataDir, Path log) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), ServerProcessMain.class.getName(), dataDir.toString()));
        builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a server JVM", e);
        }
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8));
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("READY ")) {
                        return line.substring("READY ".length());
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String endpoint = ready.get(60, TimeUnit.SECONDS);
            if (endpoint == null) {
                throw new IllegalStateException("the server JVM exited before serving; see " + log);
            }
            return new ServerProcess(process, endpoint);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the server JVM did not start serving within 60 s; see " + log, e);
        }
    }

    String endpoint() {
        return endpoint;
    }

    /** {@code kill -9}, then waits for the process to be gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the server JVM survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
