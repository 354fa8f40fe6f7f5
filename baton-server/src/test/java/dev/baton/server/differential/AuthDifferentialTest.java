package dev.baton.server.differential;

import static dev.baton.server.differential.Requests.bytes;
import static dev.baton.server.differential.Requests.compare;
import static dev.baton.server.differential.Requests.delete;
import static dev.baton.server.differential.Requests.get;
import static dev.baton.server.differential.Requests.op;
import static dev.baton.server.differential.Requests.put;
import static dev.baton.server.differential.Requests.range;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.testkit.EtcdExtension;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AuthDisableRequest;
import io.etcd.jetcd.api.AuthEnableRequest;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthRoleAddRequest;
import io.etcd.jetcd.api.AuthRoleDeleteRequest;
import io.etcd.jetcd.api.AuthRoleGetRequest;
import io.etcd.jetcd.api.AuthRoleGrantPermissionRequest;
import io.etcd.jetcd.api.AuthRoleListRequest;
import io.etcd.jetcd.api.AuthRoleRevokePermissionRequest;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.AuthUserChangePasswordRequest;
import io.etcd.jetcd.api.AuthUserDeleteRequest;
import io.etcd.jetcd.api.AuthUserGetRequest;
import io.etcd.jetcd.api.AuthUserGrantRoleRequest;
import io.etcd.jetcd.api.AuthUserListRequest;
import io.etcd.jetcd.api.AuthUserRevokeRoleRequest;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.Permission;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.etcd.jetcd.api.CampaignRequest;
import io.etcd.jetcd.api.CampaignResponse;
import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.LeaderKey;
import io.etcd.jetcd.api.LeaderRequest;
import io.etcd.jetcd.api.LeaderResponse;
import io.etcd.jetcd.api.ProclaimRequest;
import io.etcd.jetcd.api.ResignRequest;
import io.etcd.jetcd.api.lock.LockGrpc;
import io.etcd.jetcd.api.lock.LockRequest;
import io.etcd.jetcd.api.lock.LockResponse;
import io.etcd.jetcd.api.lock.UnlockRequest;
import com.google.protobuf.Message;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * etcd's auth against real etcd and the embedded server: users, roles and permissions, enabling
 * and disabling, tokens, and what a user without the root role may and may not do with keys,
 * txns, watches, leases, maintenance and auth itself. Both servers get the same calls as the
 * same users; their answers (headers reduced to their revision, tokens left out) are compared
 * as transcripts.
 */
class AuthDifferentialTest {
    private static final String BAD_TOKEN = "notAToken.1";
    private final Path etcdDir = FastTempDirs.create("baton-etcd-");

    @RegisterExtension
    final EtcdExtension etcd = new EtcdExtension(b -> b.dataDir(etcdDir));

    private Differential diff;
    private List<Side> sides;

    /** One server: its target, the tokens its users got, and what it answered. */
    private static final class Side {
        final Target target;
        final Map<String, String> tokens = new HashMap<>();
        final List<String> transcript = new ArrayList<>();

        Side(Target target) {
            this.target = target;
        }
    }

    /** A caller on one server: no token, a user's token, or a token the server never gave. */
    private record As(Target target, String token) {
        private <S extends AbstractStub<S>> S attach(S stub) {
            S withDeadline = stub.withDeadlineAfter(30, TimeUnit.SECONDS);
            if (token == null) {
                return withDeadline;
            }
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER), token);
            return withDeadline.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }

        KVGrpc.KVBlockingStub kv() {
            return attach(KVGrpc.newBlockingStub(target.channel));
        }

        LeaseGrpc.LeaseBlockingStub lease() {
            return attach(LeaseGrpc.newBlockingStub(target.channel));
        }

        AuthGrpc.AuthBlockingStub auth() {
            return attach(AuthGrpc.newBlockingStub(target.channel));
        }

        MaintenanceGrpc.MaintenanceBlockingStub maintenance() {
            return attach(MaintenanceGrpc.newBlockingStub(target.channel));
        }

        LockGrpc.LockBlockingStub lock() {
            return attach(LockGrpc.newBlockingStub(target.channel));
        }

        ElectionGrpc.ElectionBlockingStub election() {
            return attach(ElectionGrpc.newBlockingStub(target.channel));
        }

        /** The first answer to a watch created on a new stream, with what a comparison can use. */
        String firstWatchAnswer(WatchCreateRequest create) {
            BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
            StreamObserver<WatchRequest> requests = attach(WatchGrpc.newStub(target.channel)).watch(
                    new StreamObserver<>() {
                        @Override
                        public void onNext(WatchResponse r) {
                            answers.add("created=" + r.getCreated() + " canceled=" + r.getCanceled() + " id="
                                    + r.getWatchId() + " reason=" + r.getCancelReason() + " revision="
                                    + r.getHeader().getRevision());
                        }

                        @Override
                        public void onError(Throwable t) {
                            answers.add("error " + io.grpc.Status.fromThrowable(t));
                        }

                        @Override
                        public void onCompleted() {
                            answers.add("completed");
                        }
                    });
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
            try {
                Object first = answers.poll(30, TimeUnit.SECONDS);
                return String.valueOf(first);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } finally {
                requests.onError(io.grpc.Status.CANCELLED.asRuntimeException());
            }
        }
    }

    @BeforeEach
    void start() {
        diff = Differential.against(etcd.endpoint());
        sides = List.of(new Side(diff.etcd), new Side(diff.embedded));
    }

    @AfterEach
    void stop() {
        diff.close();
        FastTempDirs.delete(etcdDir);
    }

    /** Makes the call on both servers as {@code user} (null: no token; {@link #BAD_TOKEN}: an unknown one). */
    private void call(String user, String what, Function<As, ? extends Message> call) {
        for (Side side : sides) {
            String token = user == null ? null : side.tokens.getOrDefault(user, user);
            side.transcript.add((user == null ? "anonymous" : user) + " " + what + " -> "
                    + Outcome.of(() -> call.apply(new As(side.target, token))));
        }
    }

    private void watch(String user, String what, WatchCreateRequest.Builder create) {
        for (Side side : sides) {
            String token = user == null ? null : side.tokens.getOrDefault(user, user);
            side.transcript.add(user + " " + what + " -> " + new As(side.target, token).firstWatchAnswer(create.build()));
        }
    }

    /** Authenticates on both servers, keeping each server's token for {@code user}. */
    private void login(String user, String password) {
        for (Side side : sides) {
            Outcome outcome = Outcome.of(() -> new As(side.target, null).auth().authenticate(
                    AuthenticateRequest.newBuilder().setName(user).setPassword(password).build()));
            if (outcome.ok()) {
                side.tokens.put(user, ((io.etcd.jetcd.api.AuthenticateResponse) outcome.response()).getToken());
                side.transcript.add("login " + user + " -> OK");
            } else {
                side.transcript.add("login " + user + " -> " + outcome);
            }
        }
    }

    /** Status without what differs by nature between the servers (version, sizes, IDs, raft). */
    private static Message status(As a) {
        return a.maintenance().status(StatusRequest.getDefaultInstance()).toBuilder().clearVersion().clearDbSize()
                .clearDbSizeInUse().clearLeader().clearRaftIndex().clearRaftAppliedIndex().clearRaftTerm().build();
    }

    private void assertSameTranscripts() {
        assertThat(String.join("\n", sides.get(1).transcript))
                .isEqualTo(String.join("\n", sides.get(0).transcript));
    }

    private static Permission permission(Permission.Type type, String key, String end) {
        return Permission.newBuilder().setPermType(type).setKey(bytes(key)).setRangeEnd(bytes(end)).build();
    }

    private void setUpUsersAndRoles() {
        call(null, "user add root", a -> a.auth().userAdd(AuthUserAddRequest.newBuilder().setName("root")
                .setPassword("rootpw").build()));
        call(null, "user add alice", a -> a.auth().userAdd(AuthUserAddRequest.newBuilder().setName("alice")
                .setPassword("alicepw").build()));
        call(null, "user add alice again", a -> a.auth().userAdd(AuthUserAddRequest.newBuilder().setName("alice")
                .setPassword("x").build()));
        call(null, "user add without a name", a -> a.auth().userAdd(AuthUserAddRequest.newBuilder()
                .setPassword("x").build()));
        call(null, "role add reader", a -> a.auth().roleAdd(AuthRoleAddRequest.newBuilder().setName("reader").build()));
        call(null, "role add reader again", a -> a.auth().roleAdd(AuthRoleAddRequest.newBuilder().setName("reader")
                .build()));
        call(null, "role add without a name", a -> a.auth().roleAdd(AuthRoleAddRequest.getDefaultInstance()));
        call(null, "grant read [a/, a0)", a -> a.auth().roleGrantPermission(AuthRoleGrantPermissionRequest
                .newBuilder().setName("reader").setPerm(permission(Permission.Type.READ, "a/", "a0")).build()));
        call(null, "grant write a/w", a -> a.auth().roleGrantPermission(AuthRoleGrantPermissionRequest
                .newBuilder().setName("reader").setPerm(permission(Permission.Type.WRITE, "a/w", "")).build()));
        call(null, "grant readwrite [c, \\0)", a -> a.auth().roleGrantPermission(AuthRoleGrantPermissionRequest
                .newBuilder().setName("reader").setPerm(permission(Permission.Type.READWRITE, "c", "\0")).build()));
        call(null, "grant write a/v then readwrite a/v", a -> {
            a.auth().roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder().setName("reader")
                    .setPerm(permission(Permission.Type.WRITE, "a/v", "")).build());
            return a.auth().roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder().setName("reader")
                    .setPerm(permission(Permission.Type.READWRITE, "a/v", "")).build());
        });
        call(null, "grant to a missing role", a -> a.auth().roleGrantPermission(AuthRoleGrantPermissionRequest
                .newBuilder().setName("nobody").setPerm(permission(Permission.Type.READ, "x", "")).build()));
        call(null, "role get reader", a -> a.auth().roleGet(AuthRoleGetRequest.newBuilder().setRole("reader").build()));
        call(null, "role get missing", a -> a.auth().roleGet(AuthRoleGetRequest.newBuilder().setRole("nobody")
                .build()));
        call(null, "grant reader to alice", a -> a.auth().userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                .setUser("alice").setRole("reader").build()));
        call(null, "grant reader to alice again", a -> a.auth().userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                .setUser("alice").setRole("reader").build()));
        call(null, "grant a missing role", a -> a.auth().userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                .setUser("alice").setRole("nobody").build()));
        call(null, "grant to a missing user", a -> a.auth().userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                .setUser("bob").setRole("reader").build()));
        call(null, "revoke a role not granted", a -> a.auth().userRevokeRole(AuthUserRevokeRoleRequest.newBuilder()
                .setName("root").setRole("reader").build()));
        call(null, "user get alice", a -> a.auth().userGet(AuthUserGetRequest.newBuilder().setName("alice").build()));
        call(null, "user get missing", a -> a.auth().userGet(AuthUserGetRequest.newBuilder().setName("bob").build()));
        call(null, "user list", a -> a.auth().userList(AuthUserListRequest.getDefaultInstance()));
        call(null, "role list", a -> a.auth().roleList(AuthRoleListRequest.getDefaultInstance()));
        call(null, "put a/x", a -> a.kv().put(put("a/x", "1").build()));
        call(null, "put b", a -> a.kv().put(put("b", "1").build()));
    }

    private void enableAuth() {
        login("root", "rootpw");
        call(null, "enable without the root role", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        call(null, "grant root to root", a -> a.auth().userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                .setUser("root").setRole("root").build()));
        call(null, "enable", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        login("root", "rootpw");
        login("alice", "alicepw");
    }

    @Test
    void enablingNeedsTheRootUserWithTheRootRole() {
        call(null, "enable without users", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        call(null, "user add root", a -> a.auth().userAdd(AuthUserAddRequest.newBuilder().setName("root")
                .setPassword("rootpw").build()));
        call(null, "enable without the root role", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        call(null, "role get root", a -> a.auth().roleGet(AuthRoleGetRequest.newBuilder().setRole("root").build()));
        call(null, "grant root to root", a -> a.auth().userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                .setUser("root").setRole("root").build()));
        call(null, "enable", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        call(null, "enable again without a token", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        login("root", "rootpw");
        call("root", "enable again", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        call("root", "role list", a -> a.auth().roleList(AuthRoleListRequest.getDefaultInstance()));
        call("root", "user get root", a -> a.auth().userGet(AuthUserGetRequest.newBuilder().setName("root").build()));
        call("root", "delete root", a -> a.auth().userDelete(AuthUserDeleteRequest.newBuilder().setName("root")
                .build()));
        call("root", "revoke root from root", a -> a.auth().userRevokeRole(AuthUserRevokeRoleRequest.newBuilder()
                .setName("root").setRole("root").build()));
        call("root", "delete role root", a -> a.auth().roleDelete(AuthRoleDeleteRequest.newBuilder().setRole("root")
                .build()));
        call("root", "disable", a -> a.auth().authDisable(AuthDisableRequest.getDefaultInstance()));
        call("root", "disable again", a -> a.auth().authDisable(AuthDisableRequest.getDefaultInstance()));
        login("root", "rootpw");
        assertSameTranscripts();
    }

    @Test
    void tokensAndPasswords() {
        setUpUsersAndRoles();
        call(null, "authenticate while disabled", a -> a.auth().authenticate(AuthenticateRequest.newBuilder()
                .setName("root").setPassword("rootpw").build()));
        enableAuth();
        login("alice", "wrong");
        login("nobody", "x");
        call(null, "get a/x without a token", a -> a.kv().range(get("a/x").build()));
        call(null, "put a/w without a token", a -> a.kv().put(put("a/w", "1").build()));
        call(BAD_TOKEN, "get a/x with an unknown token", a -> a.kv().range(get("a/x").build()));
        call(BAD_TOKEN, "put a/w with an unknown token", a -> a.kv().put(put("a/w", "1").build()));
        call(BAD_TOKEN, "user list with an unknown token", a -> a.auth().userList(AuthUserListRequest
                .getDefaultInstance()));
        call(null, "user list without a token", a -> a.auth().userList(AuthUserListRequest.getDefaultInstance()));
        call(null, "status without a token", a -> status(a));
        call(null, "hash without a token", a -> a.maintenance().hash(HashRequest.getDefaultInstance()));
        call(null, "lease grant without a token", a -> a.lease().leaseGrant(LeaseGrantRequest.newBuilder()
                .setID(7).setTTL(60).build()));
        call("alice", "get a/x", a -> a.kv().range(get("a/x").build()));
        call("root", "change alice's password", a -> a.auth().userChangePassword(AuthUserChangePasswordRequest
                .newBuilder().setName("alice").setPassword("newpw").build()));
        call("alice", "get a/x with a token from before the password change", a -> a.kv().range(get("a/x").build()));
        login("alice", "alicepw");
        login("alice", "newpw");
        call("alice", "get a/x with the new password's token", a -> a.kv().range(get("a/x").build()));
        call("root", "delete alice", a -> a.auth().userDelete(AuthUserDeleteRequest.newBuilder().setName("alice")
                .build()));
        call("alice", "get a/x after alice is deleted", a -> a.kv().range(get("a/x").build()));
        call("root", "disable", a -> a.auth().authDisable(AuthDisableRequest.getDefaultInstance()));
        call("root", "get a/x with a token from before disabling", a -> a.kv().range(get("a/x").build()));
        call(BAD_TOKEN, "get a/x with an unknown token while disabled", a -> a.kv().range(get("a/x").build()));
        assertSameTranscripts();
    }

    /** A lock's or candidate's key without its lease (which differs between the servers): the name's prefix. */
    private static String withoutLease(com.google.protobuf.ByteString key) {
        String k = key.toStringUtf8();
        return k.substring(0, k.lastIndexOf('/') + 1);
    }

    @Test
    void lockAndElectionCallsAreMadeAsTheirCaller() {
        setUpUsersAndRoles();
        enableAuth();
        call("alice", "lock c/l, unlock", a -> {
            LockResponse locked = a.lock().lock(LockRequest.newBuilder().setName(bytes("c/l")).build());
            a.lock().unlock(UnlockRequest.newBuilder().setKey(locked.getKey()).build());
            return locked.toBuilder().setKey(bytes(withoutLease(locked.getKey()))).build();
        });
        call("alice", "lock a/l (read only)", a -> a.lock().lock(LockRequest.newBuilder().setName(bytes("a/l"))
                .build()));
        call("alice", "lock b (no permission)", a -> a.lock().lock(LockRequest.newBuilder().setName(bytes("b"))
                .build()));
        call(null, "lock c/l without a token", a -> a.lock().lock(LockRequest.newBuilder().setName(bytes("c/l"))
                .build()));
        call(BAD_TOKEN, "lock c/l with an unknown token", a -> a.lock().lock(LockRequest.newBuilder()
                .setName(bytes("c/l")).build()));
        call("root", "put a/held", a -> a.kv().put(put("a/held", "x").build()));
        call("alice", "unlock a/held (read only)", a -> a.lock().unlock(UnlockRequest.newBuilder()
                .setKey(bytes("a/held")).build()));
        call("alice", "campaign c/e, leader, proclaim, resign", a -> {
            CampaignResponse won = a.election().campaign(CampaignRequest.newBuilder().setName(bytes("c/e"))
                    .setValue(bytes("v1")).build());
            LeaderResponse leader = a.election().leader(LeaderRequest.newBuilder().setName(bytes("c/e")).build());
            a.election().proclaim(ProclaimRequest.newBuilder().setLeader(won.getLeader()).setValue(bytes("v2"))
                    .build());
            a.election().resign(ResignRequest.newBuilder().setLeader(won.getLeader()).build());
            return leader.toBuilder().setKv(leader.getKv().toBuilder().setKey(bytes(withoutLease(leader.getKv()
                    .getKey()))).clearLease()).build();
        });
        call("alice", "campaign a/e (read only)", a -> a.election().campaign(CampaignRequest.newBuilder()
                .setName(bytes("a/e")).setValue(bytes("v")).build()));
        call("alice", "leader a/e", a -> a.election().leader(LeaderRequest.newBuilder().setName(bytes("a/e"))
                .build()));
        call("alice", "leader b", a -> a.election().leader(LeaderRequest.newBuilder().setName(bytes("b")).build()));
        call(null, "leader c/e without a token", a -> a.election().leader(LeaderRequest.newBuilder()
                .setName(bytes("c/e")).build()));
        call("alice", "proclaim through b/1 (no permission)", a -> a.election().proclaim(ProclaimRequest.newBuilder()
                .setLeader(LeaderKey.newBuilder().setName(bytes("b")).setKey(bytes("b/1")).setRev(1)).build()));
        assertSameTranscripts();
    }

    @Test
    void aUserMayDoWhatTheirRolesPermitAndNothingElse() {
        setUpUsersAndRoles();
        enableAuth();
        call("alice", "get a/x", a -> a.kv().range(get("a/x").build()));
        call("alice", "get b", a -> a.kv().range(get("b").build()));
        call("alice", "range [a/, a0)", a -> a.kv().range(range("a/", "a0").build()));
        call("alice", "range [a/b, a/z)", a -> a.kv().range(range("a/b", "a/z").build()));
        call("alice", "range [a/, b)", a -> a.kv().range(range("a/", "b").build()));
        call("alice", "range from c", a -> a.kv().range(range("c", "\0").build()));
        call("alice", "range from a/", a -> a.kv().range(range("a/", "\0").build()));
        call("alice", "put a/w", a -> a.kv().put(put("a/w", "2").build()));
        call("alice", "put a/w with prev_kv", a -> a.kv().put(put("a/w", "3").setPrevKv(true).build()));
        call("alice", "put a/v with prev_kv", a -> a.kv().put(put("a/v", "3").setPrevKv(true).build()));
        call("alice", "put a/x", a -> a.kv().put(put("a/x", "2").build()));
        call("alice", "put c/1", a -> a.kv().put(put("c/1", "2").build()));
        call("alice", "delete a/w", a -> a.kv().deleteRange(delete("a/w").build()));
        call("alice", "delete a/w with prev_kv", a -> a.kv().deleteRange(delete("a/w").setPrevKv(true).build()));
        call("alice", "delete a/x", a -> a.kv().deleteRange(delete("a/x").build()));
        call("alice", "delete from c", a -> a.kv().deleteRange(delete("c", "\0").build()));
        call("alice", "txn reading a/x, writing a/w", a -> a.kv().txn(TxnRequest.newBuilder()
                .addCompare(compare("a/x", Compare.CompareTarget.VERSION, Compare.CompareResult.GREATER)
                        .setVersion(0))
                .addSuccess(op(put("a/w", "t"))).addFailure(op(get("a/x"))).build()));
        call("alice", "txn comparing b", a -> a.kv().txn(TxnRequest.newBuilder()
                .addCompare(compare("b", Compare.CompareTarget.VERSION, Compare.CompareResult.GREATER)
                        .setVersion(0))
                .addSuccess(op(put("a/w", "t"))).build()));
        call("alice", "txn putting b in the branch not taken", a -> a.kv().txn(TxnRequest.newBuilder()
                .addSuccess(op(put("a/w", "t"))).addFailure(op(put("b", "t"))).build()));
        call("alice", "txn reading b", a -> a.kv().txn(TxnRequest.newBuilder().addSuccess(op(get("b"))).build()));
        call("alice", "txn deleting a/x", a -> a.kv().txn(TxnRequest.newBuilder()
                .addSuccess(op(delete("a/x"))).build()));
        call("alice", "read-only txn of a/x", a -> a.kv().txn(TxnRequest.newBuilder()
                .addSuccess(op(get("a/x"))).build()));
        watch("alice", "watch a/x", WatchCreateRequest.newBuilder().setKey(bytes("a/x")));
        watch("alice", "watch b", WatchCreateRequest.newBuilder().setKey(bytes("b")));
        watch("alice", "watch [a/, b)", WatchCreateRequest.newBuilder().setKey(bytes("a/")).setRangeEnd(bytes("b")));
        call(BAD_TOKEN, "put without a key with an unknown token", a -> a.kv().put(put("", "x").build()));
        call(BAD_TOKEN, "delete without a key with an unknown token", a -> a.kv().deleteRange(delete("").build()));
        call(BAD_TOKEN, "txn putting a/w twice with an unknown token", a -> a.kv().txn(TxnRequest.newBuilder()
                .addSuccess(op(put("a/w", "1"))).addSuccess(op(put("a/w", "2"))).build()));
        watch(null, "watch a/x without a token", WatchCreateRequest.newBuilder().setKey(bytes("a/x")));
        watch(BAD_TOKEN, "watch a/x with an unknown token", WatchCreateRequest.newBuilder().setKey(bytes("a/x")));
        call("alice", "lease grant", a -> a.lease().leaseGrant(LeaseGrantRequest.newBuilder().setID(100).setTTL(60)
                .build()));
        call("alice", "put a/w on the lease", a -> a.kv().put(put("a/w", "l").setLease(100).build()));
        call("alice", "time to live with keys", a -> a.lease().leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder()
                .setID(100).setKeys(true).build()));
        call("root", "put b on alice's lease", a -> a.kv().put(put("b", "l").setLease(100).build()));
        call("alice", "put a/w on a lease with b", a -> a.kv().put(put("a/w", "m").setLease(100).build()));
        call("alice", "revoke a lease with b", a -> a.lease().leaseRevoke(LeaseRevokeRequest.newBuilder()
                .setID(100).build()));
        call("alice", "compact", a -> a.kv().compact(CompactionRequest.newBuilder().setRevision(2).build()));
        call("alice", "user list", a -> a.auth().userList(AuthUserListRequest.getDefaultInstance()));
        call("alice", "role list", a -> a.auth().roleList(AuthRoleListRequest.getDefaultInstance()));
        call("alice", "user get alice", a -> a.auth().userGet(AuthUserGetRequest.newBuilder().setName("alice")
                .build()));
        call("alice", "user get root", a -> a.auth().userGet(AuthUserGetRequest.newBuilder().setName("root")
                .build()));
        call("alice", "role get reader", a -> a.auth().roleGet(AuthRoleGetRequest.newBuilder().setRole("reader")
                .build()));
        call("alice", "role get root", a -> a.auth().roleGet(AuthRoleGetRequest.newBuilder().setRole("root")
                .build()));
        call("alice", "role add", a -> a.auth().roleAdd(AuthRoleAddRequest.newBuilder().setName("w").build()));
        call("alice", "disable", a -> a.auth().authDisable(AuthDisableRequest.getDefaultInstance()));
        call("alice", "enable", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        call("alice", "status", a -> status(a));
        call("alice", "alarm list", a -> a.maintenance().alarm(AlarmRequest.newBuilder()
                .setAction(AlarmRequest.AlarmAction.GET).build()));
        call("alice", "hash", a -> a.maintenance().hash(HashRequest.getDefaultInstance()).toBuilder().clearHash()
                .build());
        call("alice", "hashkv", a -> a.maintenance().hashKV(HashKVRequest.getDefaultInstance()));
        call("alice", "defragment", a -> a.maintenance().defragment(DefragmentRequest.getDefaultInstance()));
        call("alice", "snapshot", a -> a.maintenance().snapshot(io.etcd.jetcd.api.SnapshotRequest.getDefaultInstance())
                .next().toBuilder().clearBlob().clearRemainingBytes().build());
        call("alice", "move leader", a -> a.maintenance().moveLeader(MoveLeaderRequest.newBuilder().setTargetID(1)
                .build()));
        call("root", "revoke a/w", a -> a.auth().roleRevokePermission(AuthRoleRevokePermissionRequest.newBuilder()
                .setRole("reader").setKey(bytes("a/w")).build()));
        call("root", "revoke a/w again", a -> a.auth().roleRevokePermission(AuthRoleRevokePermissionRequest
                .newBuilder().setRole("reader").setKey(bytes("a/w")).build()));
        call("alice", "put a/w after the revocation", a -> a.kv().put(put("a/w", "4").build()));
        call("root", "delete role reader", a -> a.auth().roleDelete(AuthRoleDeleteRequest.newBuilder()
                .setRole("reader").build()));
        call("root", "user get alice", a -> a.auth().userGet(AuthUserGetRequest.newBuilder().setName("alice")
                .build()));
        call("alice", "get a/x without a role", a -> a.kv().range(get("a/x").build()));
        call("root", "get everything", a -> a.kv().range(range("\0", "\0").build()));
        assertSameTranscripts();
    }
}
