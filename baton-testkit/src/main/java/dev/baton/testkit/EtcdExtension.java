package dev.baton.testkit;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * JUnit 5 extension that runs a real {@link EtcdProcess} for tests.
 *
 * <pre>{@code
 * class LeaseTest {
 *     @RegisterExtension
 *     static final EtcdExtension etcd = new EtcdExtension();   // one etcd for the class
 *
 *     @Test
 *     void putThenGet() {
 *         etcd.process().etcdctl("put", "k", "v");
 *         // connect a client to etcd.endpoint() ...
 *     }
 * }
 * }</pre>
 *
 * <p>On a static field one etcd serves every test of the class; on an instance field each test
 * method gets its own. The process is always killed and its directories deleted afterwards.
 * When a test fails, its etcd log is first copied to
 * {@code target/etcd-logs/<test class>/<test method>.log} (or {@code <TestClass>.log} for a
 * failure outside any method) and the path is printed to the test's output.
 */
public final class EtcdExtension extends ScopedFixtureExtension<EtcdProcess> {

    private final Consumer<EtcdProcess.Builder> options;

    /** Runs etcd with the defaults of {@link EtcdProcess.Builder}. */
    public EtcdExtension() {
        this(builder -> { });
    }

    /** Runs etcd with options, e.g. {@code new EtcdExtension(b -> b.extraArgs("--auto-compaction-retention=1"))}. */
    public EtcdExtension(Consumer<EtcdProcess.Builder> options) {
        this(options, new EtcdLogArchive(EtcdLogArchive.DEFAULT_ROOT));
    }

    EtcdExtension(Consumer<EtcdProcess.Builder> options, EtcdLogArchive archive) {
        super(archive);
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The running etcd process. */
    public EtcdProcess process() {
        return fixture();
    }

    /** The running etcd's client URL, {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return process().endpoint();
    }

    @Override
    protected EtcdProcess startFixture() {
        EtcdProcess.Builder builder = EtcdProcess.builder();
        options.accept(builder);
        return builder.start();
    }

    @Override
    protected Map<String, Path> logFiles(EtcdProcess fixture) {
        return Collections.singletonMap(null, fixture.logFile());
    }

    @Override
    protected String describe() {
        return "EtcdExtension's etcd";
    }
}
