package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.baton.server.CrashRecoveryTest.channel;
import static dev.baton.server.CrashRecoveryTest.endpointOf;
import static dev.baton.server.CrashRecoveryTest.startServer;
import static org.awaitility.Awaitility.await;

import dev.baton.testkit.ChildJvm;
import io.etcd.jetcd.api.AuthEnableRequest;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthRoleAddRequest;
import io.etcd.jetcd.api.AuthRoleListRequest;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.AuthUserGetRequest;
import io.etcd.jetcd.api.AuthUserGrantRoleRequest;
import io.etcd.jetcd.api.AuthUserListRequest;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server in a child JVM is killed with {@code SIGKILL} while a client changes its auth state,
 * twice over. The changes form one sequence (per n: add user-n with password pw-n, add role-n,
 * grant role-n to user-n); after each restart the stored auth state is exactly a prefix of that
 * sequence, holding every acknowledged change and at most the one change in flight. Finally auth
 * is enabled and a user added before the kills signs in with its password, which was stored only
 * as a hash.
 */
class AuthCrashRecoveryTest {
    private static final int ROUNDS = 2;
    private static final int STEPS_PER_USER = 3;

    @TempDir
    Path dir;

    /** Changes of the sequence acknowledged so far. */
    private final AtomicInteger acknowledged = new AtomicInteger();

    @Test
    void everyAcknowledgedAuthChangeSurvivesKillNineAndNothingElseAppears() throws Exception {
        Path data = dir.resolve("data");
        for (int round = 0; round < ROUNDS; round++) {
            try (ChildJvm server = startServer(data)) {
                ManagedChannel channel = channel(endpointOf(server));
                try {
                    AuthGrpc.AuthBlockingStub auth = AuthGrpc.newBlockingStub(channel);
                    acknowledged.set(storedPrefix(auth));
                    changeUntilKilled(auth, server);
                } finally {
                    channel.shutdownNow();
                }
            }
        }
        try (ChildJvm server = startServer(data)) {
            ManagedChannel channel = channel(endpointOf(server));
            try {
                AuthGrpc.AuthBlockingStub auth = AuthGrpc.newBlockingStub(channel);
                int stored = storedPrefix(auth);
                assertThat(stored).isGreaterThanOrEqualTo(STEPS_PER_USER);
                auth.userAdd(AuthUserAddRequest.newBuilder().setName("root").setPassword("rootpw").build());
                auth.userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("root").setRole("root").build());
                auth.authEnable(AuthEnableRequest.getDefaultInstance());
                assertThat(auth.authenticate(AuthenticateRequest.newBuilder().setName("user-1").setPassword("pw-1")
                        .build()).getToken()).isNotEmpty();
                assertThatThrownBy(() -> auth.authenticate(AuthenticateRequest.newBuilder().setName("user-1")
                        .setPassword("pw-2").build()))
                        .isInstanceOf(StatusRuntimeException.class)
                        .hasMessageContaining("authentication failed, invalid user ID or password");
            } finally {
                channel.shutdownNow();
            }
        }
    }

    /**
     * How many changes of the sequence the server holds, checked to be a prefix: at least every
     * acknowledged one, and at most one more (a change can land without its answer).
     */
    private int storedPrefix(AuthGrpc.AuthBlockingStub auth) {
        Set<String> users = new HashSet<>(auth.userList(AuthUserListRequest.getDefaultInstance()).getUsersList());
        Set<String> roles = new HashSet<>(auth.roleList(AuthRoleListRequest.getDefaultInstance()).getRolesList());
        int prefix = 0;
        while (applied(auth, users, roles, prefix)) {
            prefix++;
        }
        for (int step = prefix + 1; step <= prefix + STEPS_PER_USER * 2; step++) {
            assertThat(applied(auth, users, roles, step)).as("change %d stored after a gap at %d", step, prefix)
                    .isFalse();
        }
        int acked = acknowledged.get();
        assertThat(prefix).as("changes stored against %d acknowledged", acked).isBetween(acked, acked + 1);
        return prefix;
    }

    /** True when change {@code step} (0-based) of the sequence is in the stored state. */
    private static boolean applied(AuthGrpc.AuthBlockingStub auth, Set<String> users, Set<String> roles, int step) {
        int n = step / STEPS_PER_USER + 1;
        return switch (step % STEPS_PER_USER) {
            case 0 -> users.contains("user-" + n);
            case 1 -> roles.contains("role-" + n);
            default -> users.contains("user-" + n) && auth.userGet(AuthUserGetRequest.newBuilder()
                    .setName("user-" + n).build()).getRolesList().contains("role-" + n);
        };
    }

    /** Applies the sequence from the stored prefix on, one change at a time, until the server is killed. */
    private void changeUntilKilled(AuthGrpc.AuthBlockingStub auth, ChildJvm server) throws Exception {
        AtomicBoolean changing = new AtomicBoolean(true);
        int start = acknowledged.get();
        Thread writer = new Thread(() -> {
            for (int step = start; changing.get(); step++) {
                try {
                    change(auth.withDeadlineAfter(5, TimeUnit.SECONDS), step);
                    acknowledged.set(step + 1);
                } catch (RuntimeException e) {
                    return;
                }
            }
        }, "auth-crash-writer");
        writer.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.get() >= start + 30);
        server.kill();
        changing.set(false);
        writer.join(TimeUnit.SECONDS.toMillis(30));
    }

    private static void change(AuthGrpc.AuthBlockingStub auth, int step) {
        int n = step / STEPS_PER_USER + 1;
        switch (step % STEPS_PER_USER) {
            case 0 -> auth.userAdd(AuthUserAddRequest.newBuilder().setName("user-" + n).setPassword("pw-" + n)
                    .build());
            case 1 -> auth.roleAdd(AuthRoleAddRequest.newBuilder().setName("role-" + n).build());
            default -> auth.userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("user-" + n)
                    .setRole("role-" + n).build());
        }
    }
}
