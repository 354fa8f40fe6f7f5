package dev.baton.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java main class running in its own JVM, for tests that kill a member with {@code -9},
 * freeze it with {@code SIGSTOP}, or watch it shut down.
 *
 * <p>The child runs the current {@code java} with the current test classpath, so any class of
 * the test can be its main class. Its standard output and error are captured line by line
 * ({@link #lines()}, {@link #errorLines()}); {@link #awaitLine} waits for a line the child
 * prints, typically a readiness message.
 *
 * <pre>{@code
 * try (ChildJvm member = ChildJvm.builder(MemberMain.class)
 *         .systemProperty("baton.endpoints", etcd.endpoint())
 *         .args("worker-1")
 *         .start()) {
 *     member.awaitLine("leader elected", Duration.ofSeconds(30));
 *     member.kill();
 *     assertThat(member.exitCode(Duration.ofSeconds(10))).isEqualTo(137);
 * }
 * }</pre>
 *
 * <p>{@link #close()} kills the child if it still runs; it is idempotent.
 */
public final class ChildJvm implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final int TAIL_LINES = 20;

    /** JVM options that make short-lived children start fast and stay small; later options win. */
    static final List<String> DEFAULT_JVM_ARGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

    private final String mainClass;
    private final Process process;
    private final CapturedLines out;
    private final CapturedLines err;
    private boolean closed;

    private ChildJvm(String mainClass, Process process) {
        this.mainClass = mainClass;
        this.process = process;
        String threadPrefix = "baton-child-" + simpleName(mainClass) + "-" + process.pid();
        this.out = new CapturedLines(process.getInputStream(), threadPrefix + "-stdout");
        this.err = new CapturedLines(process.getErrorStream(), threadPrefix + "-stderr");
    }

    /** Starts {@code mainClass} with {@code args} and no further options. */
    public static ChildJvm start(Class<?> mainClass, String... args) {
        return builder(mainClass).args(args).start();
    }

    public static Builder builder(Class<?> mainClass) {
        return new Builder(Objects.requireNonNull(mainClass, "mainClass").getName());
    }

    /** For a main class the test cannot reference, by its binary name. */
    public static Builder builder(String mainClassName) {
        if (mainClassName == null || mainClassName.isBlank()) {
            throw new IllegalArgumentException("main class name must not be blank: '" + mainClassName + "'");
        }
        return new Builder(mainClassName);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Every line the child has printed on standard output so far. */
    public List<String> lines() {
        return out.snapshot();
    }

    /** Every line the child has printed on standard error so far. */
    public List<String> errorLines() {
        return err.snapshot();
    }

    /**
     * Waits for a standard output line matching {@code condition}, looking at every line
     * printed since the start (also those printed before this call).
     *
     * @return the first matching line
     * @throws IllegalStateException when the child exits, or {@code timeout} passes, without
     *     such a line; the message holds the last lines of both streams
     */
    public String awaitLine(Predicate<String> condition, Duration timeout) {
        return awaitLine(0, condition, timeout);
    }

    /** Waits for a line containing a match of {@code regex}; see {@link #awaitLine(Predicate, Duration)}. */
    public String awaitLine(String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        return awaitLine(line -> pattern.matcher(line).find(), timeout);
    }

    /**
     * Waits for a matching line at index {@code fromLine} or later, e.g. {@code lines().size()}
     * taken before an action, to see only what the child prints after it.
     */
    public String awaitLine(int fromLine, Predicate<String> condition, Duration timeout) {
        Objects.requireNonNull(condition, "condition");
        return out.await(fromLine, condition, timeout).orElseThrow(() -> new IllegalStateException(
                (out.ended() ? this + " exited without printing the expected line"
                        : this + " printed no expected line within " + timeout) + describeOutput()));
    }

    /** Sends {@code SIGKILL} and waits for the child to exit. */
    public void kill() {
        if (process.isAlive()) {
            Signals.send(process.pid(), Signals.Signal.KILL);
            awaitExit(EXIT_TIMEOUT);
        }
    }

    /**
     * Sends {@code SIGTERM} (shutdown hooks run) and returns at once; wait for the exit with
     * {@link #exitCode(Duration)}.
     */
    public void terminate() {
        if (process.isAlive()) {
            Signals.send(process.pid(), Signals.Signal.TERM);
        }
    }

    /** Sends {@code SIGSTOP}: every thread of the child stops until {@link #resume()}. */
    public void pause() {
        requireAlive("pause");
        Signals.send(process.pid(), Signals.Signal.STOP);
    }

    /** Sends {@code SIGCONT}. */
    public void resume() {
        requireAlive("resume");
        Signals.send(process.pid(), Signals.Signal.CONT);
    }

    /**
     * Lets no file the child writes grow past {@code bytes} (its RLIMIT_FSIZE, set with
     * util-linux's {@code prlimit}, no root needed), or lifts that limit when {@code bytes} is
     * negative. A write past the limit fails with {@code EFBIG} (a JVM ignores {@code SIGXFSZ}),
     * which a server meets as it would a full disk.
     *
     * @throws IllegalStateException naming the command when {@code prlimit} fails or is missing
     */
    public void limitFileSize(long bytes) {
        requireAlive("limit the file size of");
        String soft = bytes < 0 ? "unlimited" : Long.toString(bytes);
        List<String> command = List.of("prlimit", "--pid", Long.toString(process.pid()),
                "--fsize=" + soft + ":unlimited");
        try {
            Process prlimit = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(prlimit.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!prlimit.waitFor(10, TimeUnit.SECONDS) || prlimit.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + " (util-linux's prlimit)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /**
     * Waits up to {@code timeout} for the child to exit and returns its exit code; a child killed
     * by a signal reports 128 + the signal number (137 after {@link #kill()}).
     *
     * @throws IllegalStateException when it still runs after {@code timeout}
     */
    public int exitCode(Duration timeout) {
        if (!awaitExit(timeout)) {
            throw new IllegalStateException(this + " still runs after " + timeout);
        }
        return process.exitValue();
    }

    /** Kills the child if it still runs and stops capturing its output. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (process.isAlive()) {
                // A stopped JVM dies on SIGKILL too; no SIGCONT needed.
                kill();
            }
        } finally {
            ProcessReaper.unregister(process);
            out.awaitEnd(Duration.ofSeconds(5));
            err.awaitEnd(Duration.ofSeconds(5));
        }
    }

    @Override
    public String toString() {
        return "ChildJvm[" + mainClass + " pid " + process.pid() + "]";
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + this + " to exit", e);
        }
    }

    private void requireAlive(String action) {
        if (!process.isAlive()) {
            throw new IllegalStateException("cannot " + action + " " + this + ": it is not running");
        }
    }

    private String describeOutput() {
        return "\nlast standard output lines:\n" + String.join("\n", out.tail(TAIL_LINES))
                + "\nlast standard error lines:\n" + String.join("\n", err.tail(TAIL_LINES));
    }

    private static String simpleName(String className) {
        return className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
    }

    /** The lines of one output stream, read on a named daemon thread. */
    private static final class CapturedLines {
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;
        private boolean ended;

        CapturedLines(InputStream stream, String threadName) {
            this.reader = new Thread(() -> read(stream), threadName);
            this.reader.setDaemon(true);
            this.reader.start();
        }

        private void read(InputStream stream) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    LOG.debug("{}: {}", reader.getName(), line);
                    synchronized (this) {
                        lines.add(line);
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                LOG.debug("{}: stream closed: {}", reader.getName(), e.toString());
            } finally {
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
            }
        }

        synchronized List<String> snapshot() {
            return List.copyOf(lines);
        }

        synchronized List<String> tail(int count) {
            return List.copyOf(lines.subList(Math.max(0, lines.size() - count), lines.size()));
        }

        synchronized boolean ended() {
            return ended;
        }

        synchronized Optional<String> await(int fromLine, Predicate<String> condition, Duration timeout) {
            if (fromLine < 0) {
                throw new IllegalArgumentException("fromLine must not be negative: " + fromLine);
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            int next = fromLine;
            while (true) {
                for (; next < lines.size(); next++) {
                    if (condition.test(lines.get(next))) {
                        return Optional.of(lines.get(next));
                    }
                }
                long remaining = deadline - System.nanoTime();
                if (ended || remaining <= 0) {
                    return Optional.empty();
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a line", e);
                }
            }
        }

        void awaitEnd(Duration timeout) {
            try {
                reader.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Options for a child JVM. Defaults: no arguments, no system properties, the JVM options
     * {@code -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto}, and the test's own
     * {@code java} and classpath.
     */
    public static final class Builder {
        private final String mainClass;
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();

        private Builder(String mainClass) {
            this.mainClass = mainClass;
        }

        /** Program arguments, appended after earlier ones. */
        public Builder args(String... args) {
            for (String arg : args) {
                this.args.add(Objects.requireNonNull(arg, "args element"));
            }
            return this;
        }

        /** {@code -Dname=value} for the child. */
        public Builder systemProperty(String name, String value) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("system property name must not be blank: '" + name + "'");
            }
            systemProperties.put(name, Objects.requireNonNull(value, "value of system property " + name));
            return this;
        }

        /**
         * JVM options, e.g. {@code -Xmx64m}. They follow the defaults
         * ({@code -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto}, chosen for a fast start
         * on a busy machine), so an option given here overrides a default.
         */
        public Builder jvmArgs(String... jvmArgs) {
            for (String arg : jvmArgs) {
                this.jvmArgs.add(Objects.requireNonNull(arg, "jvmArgs element"));
            }
            return this;
        }

        public ChildJvm start() {
            List<String> command = new ArrayList<>();
            command.add(javaExecutable());
            command.addAll(DEFAULT_JVM_ARGS);
            command.addAll(jvmArgs);
            systemProperties.forEach((name, value) -> command.add("-D" + name + "=" + value));
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(mainClass);
            command.addAll(args);
            try {
                Process process = new ProcessBuilder(command).start();
                process.getOutputStream().close();
                ProcessReaper.register(process);
                ChildJvm child = new ChildJvm(mainClass, process);
                LOG.debug("started {}", child);
                return child;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start a JVM for " + mainClass, e);
            }
        }

        private static String javaExecutable() {
            return ProcessHandle.current().info().command()
                    .filter(command -> Path.of(command).getFileName().toString().startsWith("java"))
                    .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
    }
}
