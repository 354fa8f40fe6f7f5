package dev.baton.server.differential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.EtcdExtension;
import dev.baton.testkit.Etcdctl;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code etcdctl user}, {@code role} and {@code auth}, and commands run as users with
 * {@code --user}, against real etcd and the embedded server: the same commands in the same order,
 * outputs (or errors) compared. Each test gets fresh servers, since enabling auth changes what
 * every later command needs.
 */
class EtcdctlAuthComparisonTest {
    private final Path etcdDir = FastTempDirs.create("baton-etcd-");

    @RegisterExtension
    final EtcdExtension etcd = new EtcdExtension(b -> b.dataDir(etcdDir));

    private Differential servers;

    @BeforeEach
    void start() {
        servers = Differential.against(etcd.endpoint());
    }

    @AfterEach
    void stop() {
        servers.close();
        FastTempDirs.delete(etcdDir);
    }

    /**
     * The output of one command on one server, or its exit status and the "Error: ..." line
     * etcdctl prints for a failure (its client's retry log lines differ by nature).
     */
    private static String outcome(String endpoint, String... args) {
        try {
            return Etcdctl.run(endpoint, args);
        } catch (IllegalStateException e) {
            String message = e.getMessage();
            return message.replaceAll("(?s).* exited with (\\d+): .*", "exit $1: ")
                    + message.lines().filter(line -> line.startsWith("Error:")).toList();
        }
    }

    private void same(String... args) {
        assertThat(outcome(servers.embeddedEndpoint(), args)).as("etcdctl %s", String.join(" ", args))
                .isEqualTo(outcome(etcd.endpoint(), args));
    }

    @Test
    void usersRolesAndAuthAsEtcdctlUsesThem() {
        same("user", "add", "root:rootpw");
        same("user", "add", "alice:alicepw");
        same("user", "add", "alice:again");
        same("role", "add", "reader");
        same("role", "grant-permission", "reader", "read", "a/", "a0");
        same("role", "grant-permission", "reader", "--prefix=true", "readwrite", "c/");
        same("role", "grant-permission", "reader", "write", "a/w");
        same("role", "get", "reader");
        same("user", "grant-role", "alice", "reader");
        same("user", "get", "alice");
        same("user", "get", "alice", "--detail");
        same("user", "list");
        same("role", "list");
        same("put", "a/x", "1");
        same("put", "b", "1");
        same("auth", "enable");
        same("role", "list");
        same("get", "a/x");
        same("--user", "alice:wrong", "get", "a/x");
        same("--user", "alice:alicepw", "get", "a/x");
        same("--user", "alice:alicepw", "get", "a/", "--prefix");
        same("--user", "alice:alicepw", "get", "b");
        same("--user", "alice:alicepw", "put", "a/w", "2");
        same("--user", "alice:alicepw", "put", "c/1", "2");
        same("--user", "alice:alicepw", "put", "b", "2");
        same("--user", "alice:alicepw", "del", "c/", "--prefix");
        same("--user", "alice:alicepw", "user", "list");
        same("--user", "root:rootpw", "user", "list");
        same("--user", "root:rootpw", "role", "list");
        same("--user", "root:rootpw", "role", "get", "root");
        same("--user", "root:rootpw", "role", "revoke-permission", "reader", "a/w");
        same("--user", "root:rootpw", "role", "revoke-permission", "reader", "a/w");
        same("--user", "root:rootpw", "user", "revoke-role", "alice", "reader");
        same("--user", "alice:alicepw", "get", "a/x");
        same("--user", "root:rootpw", "user", "passwd", "alice", "--interactive=false");
        same("--user", "root:rootpw", "user", "delete", "alice");
        same("--user", "root:rootpw", "role", "delete", "reader");
        same("--user", "root:rootpw", "user", "delete", "root");
        same("--user", "root:rootpw", "auth", "disable");
        same("get", "a/", "--prefix");
        same("user", "list");
    }
}
