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
 * The lifecycle shared by the etcd extensions, and by extensions of other modules that run a
 * store for tests (the embedded server's).
 *
 * <p>Registered on a static field, JUnit calls {@code beforeAll}: one fixture serves the whole
 * class (and its {@code @Nested} classes) and is closed in {@code afterAll}. Registered on an
 * instance field, JUnit skips the class callbacks: one fixture per test method, closed in
 * {@code afterEach}. Either way the fixture is closed even when the test fails, and the logs of
 * a failed test are first copied by {@link EtcdLogArchive}.
 *
 * <p>What a test {@link #add adds} is closed before the fixture stops, whatever order JUnit gives
 * the extensions: JUnit orders the {@code @RegisterExtension} fields of a class in a way it
 * leaves unspecified, so a {@link Closer} in a field of its own may run after the fixture is gone.
 */
public abstract class ScopedFixtureExtension<T extends AutoCloseable>
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private static final Logger LOG = LoggerFactory.getLogger(ScopedFixtureExtension.class);
    private static final Pattern INVOCATION = Pattern.compile("#(\\d+)]$");

    private final EtcdLogArchive archive;
    private final Closer testResources = new Closer();
    private final Closer classResources = new Closer();
    private volatile T fixture;
    private volatile boolean inTest;
    private volatile String namespace;
    private int classDepth;

    /** Keeps the logs of failed tests under {@code target/etcd-logs}. */
    protected ScopedFixtureExtension() {
        this(new EtcdLogArchive(EtcdLogArchive.DEFAULT_ROOT));
    }

    ScopedFixtureExtension(EtcdLogArchive archive) {
        this.archive = archive;
    }

    /** Starts a new fixture; called once per class or once per test method. */
    protected abstract T startFixture();

    /** The logs to keep when a test fails, by member name (null for a single process); none by default. */
    protected Map<String, Path> logFiles(T fixture) {
        return Map.of();
    }

    /** What the fixture is, for messages. */
    protected abstract String describe();

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        // @Nested classes call beforeAll again; they share the outer class's fixture.
        if (classDepth++ == 0) {
            fixture = startFixture();
        }
        namespace = context.getRequiredTestClass().getSimpleName() + "/";
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) throws Exception {
        if (--classDepth > 0) {
            return;
        }
        T current = fixture;
        fixture = null;
        try {
            classResources.closeAll();
        } finally {
            try {
                if (current != null && context.getExecutionException().isPresent()) {
                    keepLogs(context, current, context.getRequiredTestClass().getSimpleName());
                }
            } finally {
                closeQuietly(current);
            }
        }
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        if (classDepth == 0) {
            fixture = startFixture();
        }
        namespace = context.getRequiredTestClass().getSimpleName() + "/" + testName(context) + "/";
        inTest = true;
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) throws Exception {
        inTest = false;
        T current = fixture;
        boolean methodScoped = classDepth == 0;
        if (methodScoped) {
            fixture = null;
        }
        try {
            testResources.closeAll();
        } finally {
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
    }

    /**
     * Registers {@code resource} (a client, a session, a member of the code under test) to be
     * closed, newest first, before the fixture stops: after the test that adds it (in a
     * {@code @BeforeEach} method or the test itself), or after the class when it is added in a
     * {@code @BeforeAll} method. Returns it. A resource that fails to close fails the test, after
     * the others and the fixture are closed.
     */
    public final <R extends AutoCloseable> R add(R resource) {
        return (inTest ? testResources : classResources).add(resource);
    }

    /**
     * A key prefix of the running test, {@code <TestClass>/<test method>/} (in {@code @BeforeAll}:
     * {@code <TestClass>/}), so that tests sharing one store do not see each other's keys; it ends in
     * a slash, as Baton's namespaces do.
     *
     * @throws IllegalStateException outside a test of the class that registers the extension
     */
    public final String namespace() {
        fixture();
        return namespace;
    }

    /** The running fixture. */
    protected final T fixture() {
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
