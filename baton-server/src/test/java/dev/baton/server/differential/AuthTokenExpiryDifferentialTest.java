package dev.baton.server.differential;

import static dev.baton.server.differential.Requests.bytes;
import static dev.baton.server.differential.Requests.get;
import static dev.baton.server.differential.Requests.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.testkit.EtcdExtension;
import io.etcd.jetcd.api.AuthEnableRequest;
import io.etcd.jetcd.api.AuthRoleAddRequest;
import io.etcd.jetcd.api.AuthRoleGrantPermissionRequest;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.AuthUserGrantRoleRequest;
import io.etcd.jetcd.api.Permission;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Simple tokens' TTL on real etcd ({@code --auth-token-ttl}) and the embedded server
 * ({@code authTokenTtl}), both started with a TTL of {@value #TTL_SECONDS} s: a token used more
 * often than its TTL outlives it, since each use renews it; a token left unused for longer is
 * refused with etcd's error; authenticating again gives a token that works. Transcripts compared.
 *
 * <p>Timing: the idle token is left unused {@value #IDLE_SECONDS} s, past the TTL plus the second
 * etcd takes to notice an expired token, and being later only makes it more expired; the busy
 * token is used every 500 ms, so it would expire only if the machine stalled for most of the TTL.
 */
class AuthTokenExpiryDifferentialTest {
    private static final int TTL_SECONDS = 5;
    private static final int IDLE_SECONDS = TTL_SECONDS + 3;

    private final Path etcdDir = FastTempDirs.create("baton-etcd-");

    @RegisterExtension
    final EtcdExtension etcd = new EtcdExtension(b -> b.dataDir(etcdDir)
            .extraArgs("--auth-token-ttl=" + TTL_SECONDS));

    private Differential diff;
    private AuthTranscripts auth;

    @BeforeEach
    void start() {
        diff = Differential.against(etcd.endpoint(), b -> b.authTokenTtl(Duration.ofSeconds(TTL_SECONDS)));
        auth = new AuthTranscripts(diff.etcd, diff.embedded);
    }

    @AfterEach
    void stop() {
        diff.close();
        FastTempDirs.delete(etcdDir);
    }

    @Test
    void aTokenInUseOutlivesItsTtlWhileAnUnusedOneIsRefusedUntilTheUserAuthenticatesAgain() {
        auth.call(null, "user add root", a -> a.auth().userAdd(AuthUserAddRequest.newBuilder().setName("root")
                .setPassword("rootpw").build()));
        auth.call(null, "grant root to root", a -> a.auth().userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                .setUser("root").setRole("root").build()));
        auth.call(null, "role add reader", a -> a.auth().roleAdd(AuthRoleAddRequest.newBuilder().setName("reader")
                .build()));
        auth.call(null, "grant read k", a -> a.auth().roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder()
                .setName("reader").setPerm(Permission.newBuilder().setPermType(Permission.Type.READ)
                        .setKey(bytes("k"))).build()));
        for (String user : new String[] {"busy", "idle"}) {
            auth.call(null, "user add " + user, a -> a.auth().userAdd(AuthUserAddRequest.newBuilder().setName(user)
                    .setPassword(user + "pw").build()));
            auth.call(null, "grant reader to " + user, a -> a.auth().userGrantRole(AuthUserGrantRoleRequest
                    .newBuilder().setUser(user).setRole("reader").build()));
        }
        auth.call(null, "put k", a -> a.kv().put(put("k", "v").build()));
        auth.call(null, "enable", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        auth.login("busy", "busypw");
        auth.login("idle", "idlepw");
        auth.call("idle", "get k with a fresh token", a -> a.kv().range(get("k").build()));

        long idleSince = System.nanoTime();
        await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(IDLE_SECONDS + 60))
                .until(() -> {
                    auth.call("busy", "get k while idle's token is unused", a -> a.kv().range(get("k").build()));
                    return System.nanoTime() - idleSince >= TimeUnit.SECONDS.toNanos(IDLE_SECONDS);
                });

        auth.call("busy", "get k after its TTL, used all along", a -> a.kv().range(get("k").build()));
        auth.call("idle", "get k after its TTL unused", a -> a.kv().range(get("k").build()));
        auth.call("idle", "get k again", a -> a.kv().range(get("k").build()));
        auth.login("idle", "idlepw");
        auth.call("idle", "get k after authenticating again", a -> a.kv().range(get("k").build()));
        auth.assertSame();
        assertThat(auth.etcdTranscript())
                .contains("idle get k after its TTL unused -> UNAUTHENTICATED: etcdserver: invalid auth token")
                .filteredOn(line -> line.startsWith("busy ") || line.contains("after authenticating again"))
                .allMatch(line -> !line.contains("UNAUTHENTICATED"));
    }
}
