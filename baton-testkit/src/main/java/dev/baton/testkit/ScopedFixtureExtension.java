package dev.baton.testkit;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle shared by the etcd extensions.
 *
 * <p>Registered on a static field, JUnit calls {@code beforeAll}: one fixture serves the whole
 * class (and its {@code @Nested} classes) and is closed in {@code afterAll}. Registered on an
 * instance field, JUnit skips the class callbacks: one fixture per test method, closed in
 * {@code afterEach}. Either way the fixture is closed even when the test fails, and the logs of
 * a failed test are first copied by {@link EtcdLogArchive}.
 */
abstract class ScopedFixtureExtension<T extends AutoCloseable>
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private static final Logger LOG = LoggerFactory.getLogger(ScopedFixtureExtension.class);
    private static final Pattern INVOCATION = Pattern.compile("#(\\d+)]$");

    private final EtcdLogArchive archive;
    private volatile T fixture;
    private int classDepth;

    ScopedFixtureExtension(EtcdLogArchive archive) {
        this.archive = archive;
    }

    /** Starts a new fixture; called once per class or once per test method. */
    abstract T startFixture();

    /** The logs to keep when a test fails, by member name (null for a single process). */
    abstract Map<String, Path> logFiles(T fixture);

    /** What the fixture is, for messages. */
    abstract String describe();

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        // @Nested classes call beforeAll again; they share the outer class's fixture.
        if (classDepth++ == 0) {
            fixture = startFixture();
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (--classDepth > 0) {
            return;
        }
        T current = fixture;
        fixture = null;
        try {
            if (current != null && context.getExecutionException().isPresent()) {
                keepLogs(context, current, context.getRequiredTestClass().getSimpleName());
            }
        } finally {
            closeQuietly(current);
        }
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        if (classDepth == 0) {
            fixture = startFixture();
        }
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        T current = fixture;
        boolean methodScoped = classDepth == 0;
        if (methodScoped) {
            fixture = null;
        }
        try {
            if (current != null && context.getExecutionException().isPresent()) {
                keepLogs(context, current, testName(context));
            }
        } finally {
            if (methodScoped) {
                closeQuietly(current);
            }
        }
    }

    /** The running fixture. */
    final T fixture() {
        T current = fixture;
        if (current == null) {
            throw new IllegalStateException(describe() + " is not running: it exists only while a test of the class"
                    + " that registers it runs (register it with @RegisterExtension)");
        }
        return current;
    }

    private void keepLogs(ExtensionContext context, T current, String testName) {
        String testClass = context.getRequiredTestClass().getName();
        logFiles(current).forEach((member, log) -> {
            try {
                Path copy = archive.copy(log, testClass, testName, member);
                context.publishReportEntry("etcd-log", copy.toString());
                System.out.println("etcd log of failed " + testClass + "." + testName + " kept at " + copy);
            } catch (RuntimeException e) {
                LOG.warn("cannot keep the etcd log {} of failed {}.{}", log, testClass, testName, e);
            }
        });
    }

    /** The method name, plus the invocation number for repeated and parameterised tests. */
    static String testName(ExtensionContext context) {
        String method = context.getTestMethod().map(m -> m.getName()).orElse(context.getDisplayName());
        Matcher invocation = INVOCATION.matcher(context.getUniqueId());
        return invocation.find() ? method + "-" + invocation.group(1) : method;
    }

    private void closeQuietly(T current) {
        if (current == null) {
            return;
        }
        try {
            current.close();
        } catch (Exception e) {
            LOG.warn("cannot close {}", current, e);
        }
    }
}
