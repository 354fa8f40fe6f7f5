package dev.baton.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auth through jetcd's Auth client, and its state kept like every other write: in the log
 * across restarts, in the snapshot a defragmentation writes, in a snapshot restored into a new
 * member. Passwords are kept only as hashes.
 */
class AuthPersistenceTest {
    @TempDir
    Path dir;

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static Client client(EmbeddedEtcd etcd, String user, String password) {
        var builder = Client.builder().endpoints(etcd.endpoint());
        if (user != null) {
            builder.user(bytes(user)).password(bytes(password));
        }
        return builder.build();
    }

    private static <T> T join(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    /** Root, and alice who may read and write under "a/" only; auth enabled. */
    private static void setUpAuth(EmbeddedEtcd etcd) throws Exception {
        try (Client admin = client(etcd, null, null)) {
            var auth = admin.getAuthClient();
            join(auth.userAdd(bytes("root"), bytes("rootpw")));
            join(auth.userGrantRole(bytes("root"), bytes("root")));
            join(auth.userAdd(bytes("alice"), bytes("alicepw")));
            join(auth.roleAdd(bytes("prefix-a")));
            join(auth.roleGrantPermission(bytes("prefix-a"), bytes("a/"), bytes("a0"), Permission.Type.READWRITE));
            join(auth.userGrantRole(bytes("alice"), bytes("prefix-a")));
            join(admin.getKVClient().put(bytes("b"), bytes("1")));
            join(auth.authEnable());
        }
    }

    /** What auth allows and refuses, as checked after each restart. */
    private static void assertAuthEnforced(EmbeddedEtcd etcd) throws Exception {
        try (Client alice = client(etcd, "alice", "alicepw")) {
            join(alice.getKVClient().put(bytes("a/x"), bytes("2")));
            assertThat(join(alice.getKVClient().get(bytes("a/x"))).getKvs()).hasSize(1);
            assertThatThrownBy(() -> join(alice.getKVClient().get(bytes("b"))))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("etcdserver: permission denied");
        }
        try (Client anonymous = client(etcd, null, null)) {
            assertThatThrownBy(() -> join(anonymous.getKVClient().get(bytes("a/x"))))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("etcdserver: user name is empty");
        }
        try (Client wrong = client(etcd, "alice", "wrong")) {
            assertThatThrownBy(() -> join(wrong.getKVClient().get(bytes("a/x"))))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("UNAUTHENTICATED")
                    .hasStackTraceContaining("etcdserver: authentication failed, invalid user ID or password");
        }
        try (Client root = client(etcd, "root", "rootpw")) {
            assertThat(join(root.getAuthClient().userList()).getUsers()).containsExactly("alice", "root");
            assertThat(join(root.getAuthClient().roleGet(bytes("prefix-a"))).getPermissions())
                    .extracting(p -> p.getKey().toString(StandardCharsets.UTF_8) + " " + p.getPermType())
                    .containsExactly("a/ READWRITE");
        }
    }

    @Test
    void authSurvivesRestartsAndDefragmentation() throws Exception {
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir).build().start()) {
            setUpAuth(etcd);
            assertAuthEnforced(etcd);
        }
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir).build().start()) {
            assertAuthEnforced(etcd);
            try (Client root = client(etcd, "root", "rootpw")) {
                join(root.getMaintenanceClient().defragmentMember(etcd.endpoint()));
            }
        }
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir).build().start()) {
            assertAuthEnforced(etcd);
        }
        assertThat(filesContaining(dir, "alicepw")).isEmpty();
    }

    @Test
    void aRestoredSnapshotKeepsItsAuth() throws Exception {
        Path saved = dir.resolve("saved.snapshot");
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir.resolve("first")).build().start()) {
            setUpAuth(etcd);
            try (Client root = client(etcd, "root", "rootpw");
                    var out = Files.newOutputStream(saved)) {
                join(root.getMaintenanceClient().snapshot(out));
            }
        }
        EmbeddedEtcd.restore(saved, dir.resolve("restored"));
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().dataDir(dir.resolve("restored")).build().start()) {
            assertAuthEnforced(etcd);
        }
    }

    private static List<Path> filesContaining(Path root, String text) throws Exception {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)
                            .contains(new String(needle, StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
