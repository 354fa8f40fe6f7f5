package dev.baton.testkit;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JUnit 5 extension that runs an {@link EtcdCluster} for tests, with the same lifecycle as
 * {@link EtcdExtension}: on a static field one cluster per class, on an instance field one per
 * test method, always torn down. When a test fails, every member's log is first copied to
 * {@code target/etcd-logs/<test class>/<test method>-<member>.log}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EtcdClusterExtension etcd = new EtcdClusterExtension();   // three members
 *
 * @Test
 * void keepsWorkingWithoutTheLeader() {
 *     etcd.cluster().member(etcd.cluster().leaderIndex()).kill();
 *     ...
 * }
 * }</pre>
 */
public final class EtcdClusterExtension extends ScopedFixtureExtension<EtcdCluster> {

    private final EtcdCluster.Builder options;

    /** A three-member cluster. */
    public EtcdClusterExtension() {
        this(3);
    }

    /** A cluster of {@code members} members (1 to 9). */
    public EtcdClusterExtension(int members) {
        this.options = EtcdCluster.builder().members(members);
    }

    /** The running cluster. */
    public EtcdCluster cluster() {
        return fixture();
    }

    /** The running cluster's client URLs. */
    public List<String> endpoints() {
        return cluster().endpoints();
    }

    @Override
    protected EtcdCluster startFixture() {
        return options.start();
    }

    @Override
    protected Map<String, Path> logFiles(EtcdCluster fixture) {
        Map<String, Path> logs = new LinkedHashMap<>();
        for (EtcdProcess member : fixture.members()) {
            logs.put(member.name(), member.logFile());
        }
        return logs;
    }

    @Override
    protected String describe() {
        return "EtcdClusterExtension's cluster";
    }
}
