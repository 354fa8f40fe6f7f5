package dev.baton.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code etcdctl} (API v3) against any endpoint list, for instance a {@link TcpProxy} in
 * front of an etcd process.
 *
 * <p>The binary is {@code $BATON_ETCDCTL}, else the {@code etcdctl} next to the etcd binary,
 * else {@code etcdctl} on {@code PATH}. The child gets {@code ETCDCTL_API=3} and none of the
 * caller's other {@code ETCD*} variables, so a developer's shell settings cannot redirect it.
 * Do not pass {@code --endpoints} in {@code args}: etcdctl appends repeated endpoint flags.
 */
public final class Etcdctl {

    /** Upper bound for one {@link #run} call; etcdctl's own default command timeout is 5 s. */
    static final long RUN_TIMEOUT_SECONDS = 60;

    private Etcdctl() {
    }

    /**
     * Runs {@code etcdctl --endpoints <endpoints> <args>} and returns its standard output.
     *
     * @param endpoints one endpoint or a comma-separated list, e.g. {@code http://127.0.0.1:2379}
     * @throws IllegalStateException when etcdctl exits non-zero (the message holds its standard
     *     error) or does not finish within 60 seconds
     */
    public static String run(String endpoints, String... args) {
        Path stderr = null;
        try {
            stderr = Files.createTempFile("baton-etcdctl-", ".err");
            Process process = builder(endpoints, args).redirectError(stderr.toFile()).start();
            process.getOutputStream().close();
            byte[] stdout = process.getInputStream().readAllBytes();
            if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(describe(endpoints, args) + " did not finish within "
                        + RUN_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(describe(endpoints, args) + " exited with " + process.exitValue()
                        + ": " + Files.readString(stderr, StandardCharsets.UTF_8).trim());
            }
            return new String(stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + describe(endpoints, args), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + describe(endpoints, args), e);
        } finally {
            if (stderr != null) {
                try {
                    Files.deleteIfExists(stderr);
                } catch (IOException ignored) {
                    // A leftover temp file is harmless.
                }
            }
        }
    }

    /**
     * Starts {@code etcdctl --endpoints <endpoints> <args>} for commands that run until stopped,
     * such as {@code elect} or {@code watch}. The caller reads its streams and destroys it.
     */
    public static Process start(String endpoints, String... args) {
        try {
            return builder(endpoints, args).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + describe(endpoints, args), e);
        }
    }

    private static ProcessBuilder builder(String endpoints, String... args) {
        if (endpoints == null || endpoints.isBlank()) {
            throw new IllegalArgumentException("endpoints must not be blank: '" + endpoints + "'");
        }
        List<String> command = new ArrayList<>();
        command.add(Executables.etcdctl().toString());
        command.add("--endpoints=" + endpoints);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(key -> key.startsWith("ETCD"));
        environment.put("ETCDCTL_API", "3");
        return builder;
    }

    private static String describe(String endpoints, String... args) {
        return "etcdctl --endpoints=" + endpoints + " " + String.join(" ", args);
    }
}
