package dev.baton.server.differential;

import static dev.baton.server.differential.Requests.bytes;
import static dev.baton.server.differential.Requests.compare;
import static dev.baton.server.differential.Requests.delete;
import static dev.baton.server.differential.Requests.get;
import static dev.baton.server.differential.Requests.op;
import static dev.baton.server.differential.Requests.put;
import static dev.baton.server.differential.Requests.range;

import dev.baton.testkit.EtcdExtension;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AuthDisableRequest;
import io.etcd.jetcd.api.AuthEnableRequest;
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
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.Permission;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.CampaignRequest;
import io.etcd.jetcd.api.CampaignResponse;
import io.etcd.jetcd.api.LeaderKey;
import io.etcd.jetcd.api.LeaderRequest;
import io.etcd.jetcd.api.LeaderResponse;
import io.etcd.jetcd.api.ProclaimRequest;
import io.etcd.jetcd.api.ResignRequest;
import io.etcd.jetcd.api.lock.LockRequest;
import io.etcd.jetcd.api.lock.LockResponse;
import io.etcd.jetcd.api.lock.UnlockRequest;
import com.google.protobuf.Message;
import java.nio.file.Path;
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
    private AuthTranscripts auth;

    @BeforeEach
    void start() {
        diff = Differential.against(etcd.endpoint());
        auth = new AuthTranscripts(diff.etcd, diff.embedded);
    }

    @AfterEach
    void stop() {
        diff.close();
        FastTempDirs.delete(etcdDir);
    }

    /** Status without what differs by nature between the servers (version, sizes, IDs, raft). */
    private static Message status(AuthTranscripts.As a) {
        return a.maintenance().status(StatusRequest.getDefaultInstance()).toBuilder().clearVersion().clearDbSize()
                .clearDbSizeInUse().clearLeader().clearRaftIndex().clearRaftAppliedIndex().clearRaftTerm().build();
    }

    private static Permission permission(Permission.Type type, String key, String end) {
        return Permission.newBuilder().setPermType(type).setKey(bytes(key)).setRangeEnd(bytes(end)).build();
    }

    private void setUpUsersAndRoles() {
        auth.call(null, "user add root", a -> a.auth().userAdd(AuthUserAddRequest.newBuilder().setName("root")
                .setPassword("rootpw").build()));
        auth.call(null, "user add alice", a -> a.auth().userAdd(AuthUserAddRequest.newBuilder().setName("alice")
                .setPassword("alicepw").build()));
        auth.call(null, "user add alice again", a -> a.auth().userAdd(AuthUserAddRequest.newBuilder().setName("alice")
                .setPassword("x").build()));
        auth.call(null, "user add without a name", a -> a.auth().userAdd(AuthUserAddRequest.newBuilder()
                .setPassword("x").build()));
        auth.call(null, "role add reader", a -> a.auth().roleAdd(AuthRoleAddRequest.newBuilder().setName("reader").build()));
        auth.call(null, "role add reader again", a -> a.auth().roleAdd(AuthRoleAddRequest.newBuilder().setName("reader")
                .build()));
        auth.call(null, "role add without a name", a -> a.auth().roleAdd(AuthRoleAddRequest.getDefaultInstance()));
        auth.call(null, "grant read [a/, a0)", a -> a.auth().roleGrantPermission(AuthRoleGrantPermissionRequest
                .newBuilder().setName("reader").setPerm(permission(Permission.Type.READ, "a/", "a0")).build()));
        auth.call(null, "grant write a/w", a -> a.auth().roleGrantPermission(AuthRoleGrantPermissionRequest
                .newBuilder().setName("reader").setPerm(permission(Permission.Type.WRITE, "a/w", "")).build()));
        auth.call(null, "grant readwrite [c, \\0)", a -> a.auth().roleGrantPermission(AuthRoleGrantPermissionRequest
                .newBuilder().setName("reader").setPerm(permission(Permission.Type.READWRITE, "c", "\0")).build()));
        auth.call(null, "grant write a/v then readwrite a/v", a -> {
            a.auth().roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder().setName("reader")
                    .setPerm(permission(Permission.Type.WRITE, "a/v", "")).build());
            return a.auth().roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder().setName("reader")
                    .setPerm(permission(Permission.Type.READWRITE, "a/v", "")).build());
        });
        auth.call(null, "grant to a missing role", a -> a.auth().roleGrantPermission(AuthRoleGrantPermissionRequest
                .newBuilder().setName("nobody").setPerm(permission(Permission.Type.READ, "x", "")).build()));
        auth.call(null, "role get reader", a -> a.auth().roleGet(AuthRoleGetRequest.newBuilder().setRole("reader").build()));
        auth.call(null, "role get missing", a -> a.auth().roleGet(AuthRoleGetRequest.newBuilder().setRole("nobody")
                .build()));
        auth.call(null, "grant reader to alice", a -> a.auth().userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                .setUser("alice").setRole("reader").build()));
        auth.call(null, "grant reader to alice again", a -> a.auth().userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                .setUser("alice").setRole("reader").build()));
        auth.call(null, "grant a missing role", a -> a.auth().userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                .setUser("alice").setRole("nobody").build()));
        auth.call(null, "grant to a missing user", a -> a.auth().userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                .setUser("bob").setRole("reader").build()));
        auth.call(null, "revoke a role not granted", a -> a.auth().userRevokeRole(AuthUserRevokeRoleRequest.newBuilder()
                .setName("root").setRole("reader").build()));
        auth.call(null, "user get alice", a -> a.auth().userGet(AuthUserGetRequest.newBuilder().setName("alice").build()));
        auth.call(null, "user get missing", a -> a.auth().userGet(AuthUserGetRequest.newBuilder().setName("bob").build()));
        auth.call(null, "user list", a -> a.auth().userList(AuthUserListRequest.getDefaultInstance()));
        auth.call(null, "role list", a -> a.auth().roleList(AuthRoleListRequest.getDefaultInstance()));
        auth.call(null, "put a/x", a -> a.kv().put(put("a/x", "1").build()));
        auth.call(null, "put b", a -> a.kv().put(put("b", "1").build()));
    }

    private void enableAuth() {
        auth.login("root", "rootpw");
        auth.call(null, "enable without the root role", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        auth.call(null, "grant root to root", a -> a.auth().userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                .setUser("root").setRole("root").build()));
        auth.call(null, "enable", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        auth.login("root", "rootpw");
        auth.login("alice", "alicepw");
    }

    @Test
    void enablingNeedsTheRootUserWithTheRootRole() {
        auth.call(null, "enable without users", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        auth.call(null, "user add root", a -> a.auth().userAdd(AuthUserAddRequest.newBuilder().setName("root")
                .setPassword("rootpw").build()));
        auth.call(null, "enable without the root role", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        auth.call(null, "role get root", a -> a.auth().roleGet(AuthRoleGetRequest.newBuilder().setRole("root").build()));
        auth.call(null, "grant root to root", a -> a.auth().userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                .setUser("root").setRole("root").build()));
        auth.call(null, "enable", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        auth.call(null, "enable again without a token", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        auth.login("root", "rootpw");
        auth.call("root", "enable again", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        auth.call("root", "role list", a -> a.auth().roleList(AuthRoleListRequest.getDefaultInstance()));
        auth.call("root", "user get root", a -> a.auth().userGet(AuthUserGetRequest.newBuilder().setName("root").build()));
        auth.call("root", "delete root", a -> a.auth().userDelete(AuthUserDeleteRequest.newBuilder().setName("root")
                .build()));
        auth.call("root", "revoke root from root", a -> a.auth().userRevokeRole(AuthUserRevokeRoleRequest.newBuilder()
                .setName("root").setRole("root").build()));
        auth.call("root", "delete role root", a -> a.auth().roleDelete(AuthRoleDeleteRequest.newBuilder().setRole("root")
                .build()));
        auth.call("root", "disable", a -> a.auth().authDisable(AuthDisableRequest.getDefaultInstance()));
        auth.call("root", "disable again", a -> a.auth().authDisable(AuthDisableRequest.getDefaultInstance()));
        auth.login("root", "rootpw");
        auth.assertSame();
    }

    @Test
    void tokensAndPasswords() {
        setUpUsersAndRoles();
        auth.call(null, "authenticate while disabled", a -> a.auth().authenticate(AuthenticateRequest.newBuilder()
                .setName("root").setPassword("rootpw").build()));
        enableAuth();
        auth.login("alice", "wrong");
        auth.login("nobody", "x");
        auth.call(null, "get a/x without a token", a -> a.kv().range(get("a/x").build()));
        auth.call(null, "put a/w without a token", a -> a.kv().put(put("a/w", "1").build()));
        auth.call(BAD_TOKEN, "get a/x with an unknown token", a -> a.kv().range(get("a/x").build()));
        auth.call(BAD_TOKEN, "put a/w with an unknown token", a -> a.kv().put(put("a/w", "1").build()));
        auth.call(BAD_TOKEN, "user list with an unknown token", a -> a.auth().userList(AuthUserListRequest
                .getDefaultInstance()));
        auth.call(null, "user list without a token", a -> a.auth().userList(AuthUserListRequest.getDefaultInstance()));
        auth.call(null, "status without a token", a -> status(a));
        auth.call(null, "hash without a token", a -> a.maintenance().hash(HashRequest.getDefaultInstance()));
        auth.call(null, "lease grant without a token", a -> a.lease().leaseGrant(LeaseGrantRequest.newBuilder()
                .setID(7).setTTL(60).build()));
        auth.call("alice", "get a/x", a -> a.kv().range(get("a/x").build()));
        auth.call("root", "change alice's password", a -> a.auth().userChangePassword(AuthUserChangePasswordRequest
                .newBuilder().setName("alice").setPassword("newpw").build()));
        auth.call("alice", "get a/x with a token from before the password change", a -> a.kv().range(get("a/x").build()));
        auth.login("alice", "alicepw");
        auth.login("alice", "newpw");
        auth.call("alice", "get a/x with the new password's token", a -> a.kv().range(get("a/x").build()));
        auth.call("root", "delete alice", a -> a.auth().userDelete(AuthUserDeleteRequest.newBuilder().setName("alice")
                .build()));
        auth.call("alice", "get a/x after alice is deleted", a -> a.kv().range(get("a/x").build()));
        auth.call("root", "disable", a -> a.auth().authDisable(AuthDisableRequest.getDefaultInstance()));
        auth.call("root", "get a/x with a token from before disabling", a -> a.kv().range(get("a/x").build()));
        auth.call(BAD_TOKEN, "get a/x with an unknown token while disabled", a -> a.kv().range(get("a/x").build()));
        auth.assertSame();
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
        auth.call("alice", "lock c/l, unlock", a -> {
            LockResponse locked = a.lock().lock(LockRequest.newBuilder().setName(bytes("c/l")).build());
            a.lock().unlock(UnlockRequest.newBuilder().setKey(locked.getKey()).build());
            return locked.toBuilder().setKey(bytes(withoutLease(locked.getKey()))).build();
        });
        auth.call("alice", "lock a/l (read only)", a -> a.lock().lock(LockRequest.newBuilder().setName(bytes("a/l"))
                .build()));
        auth.call("alice", "lock b (no permission)", a -> a.lock().lock(LockRequest.newBuilder().setName(bytes("b"))
                .build()));
        auth.call(null, "lock c/l without a token", a -> a.lock().lock(LockRequest.newBuilder().setName(bytes("c/l"))
                .build()));
        auth.call(BAD_TOKEN, "lock c/l with an unknown token", a -> a.lock().lock(LockRequest.newBuilder()
                .setName(bytes("c/l")).build()));
        auth.call("root", "put a/held", a -> a.kv().put(put("a/held", "x").build()));
        auth.call("alice", "unlock a/held (read only)", a -> a.lock().unlock(UnlockRequest.newBuilder()
                .setKey(bytes("a/held")).build()));
        auth.call("alice", "campaign c/e, leader, proclaim, resign", a -> {
            CampaignResponse won = a.election().campaign(CampaignRequest.newBuilder().setName(bytes("c/e"))
                    .setValue(bytes("v1")).build());
            LeaderResponse leader = a.election().leader(LeaderRequest.newBuilder().setName(bytes("c/e")).build());
            a.election().proclaim(ProclaimRequest.newBuilder().setLeader(won.getLeader()).setValue(bytes("v2"))
                    .build());
            a.election().resign(ResignRequest.newBuilder().setLeader(won.getLeader()).build());
            return leader.toBuilder().setKv(leader.getKv().toBuilder().setKey(bytes(withoutLease(leader.getKv()
                    .getKey()))).clearLease()).build();
        });
        auth.call("alice", "campaign a/e (read only)", a -> a.election().campaign(CampaignRequest.newBuilder()
                .setName(bytes("a/e")).setValue(bytes("v")).build()));
        auth.call("alice", "leader a/e", a -> a.election().leader(LeaderRequest.newBuilder().setName(bytes("a/e"))
                .build()));
        auth.call("alice", "leader b", a -> a.election().leader(LeaderRequest.newBuilder().setName(bytes("b")).build()));
        auth.call(null, "leader c/e without a token", a -> a.election().leader(LeaderRequest.newBuilder()
                .setName(bytes("c/e")).build()));
        auth.call("alice", "proclaim through b/1 (no permission)", a -> a.election().proclaim(ProclaimRequest.newBuilder()
                .setLeader(LeaderKey.newBuilder().setName(bytes("b")).setKey(bytes("b/1")).setRev(1)).build()));
        auth.assertSame();
    }

    @Test
    void aUserMayDoWhatTheirRolesPermitAndNothingElse() {
        setUpUsersAndRoles();
        enableAuth();
        auth.call("alice", "get a/x", a -> a.kv().range(get("a/x").build()));
        auth.call("alice", "get b", a -> a.kv().range(get("b").build()));
        auth.call("alice", "range [a/, a0)", a -> a.kv().range(range("a/", "a0").build()));
        auth.call("alice", "range [a/b, a/z)", a -> a.kv().range(range("a/b", "a/z").build()));
        auth.call("alice", "range [a/, b)", a -> a.kv().range(range("a/", "b").build()));
        auth.call("alice", "range from c", a -> a.kv().range(range("c", "\0").build()));
        auth.call("alice", "range from a/", a -> a.kv().range(range("a/", "\0").build()));
        auth.call("alice", "put a/w", a -> a.kv().put(put("a/w", "2").build()));
        auth.call("alice", "put a/w with prev_kv", a -> a.kv().put(put("a/w", "3").setPrevKv(true).build()));
        auth.call("alice", "put a/v with prev_kv", a -> a.kv().put(put("a/v", "3").setPrevKv(true).build()));
        auth.call("alice", "put a/x", a -> a.kv().put(put("a/x", "2").build()));
        auth.call("alice", "put c/1", a -> a.kv().put(put("c/1", "2").build()));
        auth.call("alice", "delete a/w", a -> a.kv().deleteRange(delete("a/w").build()));
        auth.call("alice", "delete a/w with prev_kv", a -> a.kv().deleteRange(delete("a/w").setPrevKv(true).build()));
        auth.call("alice", "delete a/x", a -> a.kv().deleteRange(delete("a/x").build()));
        auth.call("alice", "delete from c", a -> a.kv().deleteRange(delete("c", "\0").build()));
        auth.call("alice", "txn reading a/x, writing a/w", a -> a.kv().txn(TxnRequest.newBuilder()
                .addCompare(compare("a/x", Compare.CompareTarget.VERSION, Compare.CompareResult.GREATER)
                        .setVersion(0))
                .addSuccess(op(put("a/w", "t"))).addFailure(op(get("a/x"))).build()));
        auth.call("alice", "txn comparing b", a -> a.kv().txn(TxnRequest.newBuilder()
                .addCompare(compare("b", Compare.CompareTarget.VERSION, Compare.CompareResult.GREATER)
                        .setVersion(0))
                .addSuccess(op(put("a/w", "t"))).build()));
        auth.call("alice", "txn putting b in the branch not taken", a -> a.kv().txn(TxnRequest.newBuilder()
                .addSuccess(op(put("a/w", "t"))).addFailure(op(put("b", "t"))).build()));
        auth.call("alice", "txn reading b", a -> a.kv().txn(TxnRequest.newBuilder().addSuccess(op(get("b"))).build()));
        auth.call("alice", "txn deleting a/x", a -> a.kv().txn(TxnRequest.newBuilder()
                .addSuccess(op(delete("a/x"))).build()));
        auth.call("alice", "read-only txn of a/x", a -> a.kv().txn(TxnRequest.newBuilder()
                .addSuccess(op(get("a/x"))).build()));
        auth.watch("alice", "watch a/x", WatchCreateRequest.newBuilder().setKey(bytes("a/x")));
        auth.watch("alice", "watch b", WatchCreateRequest.newBuilder().setKey(bytes("b")));
        auth.watch("alice", "watch [a/, b)", WatchCreateRequest.newBuilder().setKey(bytes("a/")).setRangeEnd(bytes("b")));
        auth.call(BAD_TOKEN, "put without a key with an unknown token", a -> a.kv().put(put("", "x").build()));
        auth.call(BAD_TOKEN, "delete without a key with an unknown token", a -> a.kv().deleteRange(delete("").build()));
        auth.call(BAD_TOKEN, "txn putting a/w twice with an unknown token", a -> a.kv().txn(TxnRequest.newBuilder()
                .addSuccess(op(put("a/w", "1"))).addSuccess(op(put("a/w", "2"))).build()));
        auth.watch(null, "watch a/x without a token", WatchCreateRequest.newBuilder().setKey(bytes("a/x")));
        auth.watch(BAD_TOKEN, "watch a/x with an unknown token", WatchCreateRequest.newBuilder().setKey(bytes("a/x")));
        auth.call("alice", "lease grant", a -> a.lease().leaseGrant(LeaseGrantRequest.newBuilder().setID(100).setTTL(60)
                .build()));
        auth.call("alice", "put a/w on the lease", a -> a.kv().put(put("a/w", "l").setLease(100).build()));
        auth.call("alice", "time to live with keys", a -> a.lease().leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder()
                .setID(100).setKeys(true).build()));
        auth.call("root", "put b on alice's lease", a -> a.kv().put(put("b", "l").setLease(100).build()));
        auth.call("alice", "put a/w on a lease with b", a -> a.kv().put(put("a/w", "m").setLease(100).build()));
        auth.call("alice", "revoke a lease with b", a -> a.lease().leaseRevoke(LeaseRevokeRequest.newBuilder()
                .setID(100).build()));
        auth.call("alice", "compact", a -> a.kv().compact(CompactionRequest.newBuilder().setRevision(2).build()));
        auth.call("alice", "user list", a -> a.auth().userList(AuthUserListRequest.getDefaultInstance()));
        auth.call("alice", "role list", a -> a.auth().roleList(AuthRoleListRequest.getDefaultInstance()));
        auth.call("alice", "user get alice", a -> a.auth().userGet(AuthUserGetRequest.newBuilder().setName("alice")
                .build()));
        auth.call("alice", "user get root", a -> a.auth().userGet(AuthUserGetRequest.newBuilder().setName("root")
                .build()));
        auth.call("alice", "role get reader", a -> a.auth().roleGet(AuthRoleGetRequest.newBuilder().setRole("reader")
                .build()));
        auth.call("alice", "role get root", a -> a.auth().roleGet(AuthRoleGetRequest.newBuilder().setRole("root")
                .build()));
        auth.call("alice", "role add", a -> a.auth().roleAdd(AuthRoleAddRequest.newBuilder().setName("w").build()));
        auth.call("alice", "disable", a -> a.auth().authDisable(AuthDisableRequest.getDefaultInstance()));
        auth.call("alice", "enable", a -> a.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        auth.call("alice", "status", a -> status(a));
        auth.call("alice", "alarm list", a -> a.maintenance().alarm(AlarmRequest.newBuilder()
                .setAction(AlarmRequest.AlarmAction.GET).build()));
        auth.call("alice", "hash", a -> a.maintenance().hash(HashRequest.getDefaultInstance()).toBuilder().clearHash()
                .build());
        auth.call("alice", "hashkv", a -> a.maintenance().hashKV(HashKVRequest.getDefaultInstance()));
        auth.call("alice", "defragment", a -> a.maintenance().defragment(DefragmentRequest.getDefaultInstance()));
        auth.call("alice", "snapshot", a -> a.maintenance().snapshot(io.etcd.jetcd.api.SnapshotRequest.getDefaultInstance())
                .next().toBuilder().clearBlob().clearRemainingBytes().build());
        auth.call("alice", "move leader", a -> a.maintenance().moveLeader(MoveLeaderRequest.newBuilder().setTargetID(1)
                .build()));
        auth.call("root", "revoke a/w", a -> a.auth().roleRevokePermission(AuthRoleRevokePermissionRequest.newBuilder()
                .setRole("reader").setKey(bytes("a/w")).build()));
        auth.call("root", "revoke a/w again", a -> a.auth().roleRevokePermission(AuthRoleRevokePermissionRequest
                .newBuilder().setRole("reader").setKey(bytes("a/w")).build()));
        auth.call("alice", "put a/w after the revocation", a -> a.kv().put(put("a/w", "4").build()));
        auth.call("root", "delete role reader", a -> a.auth().roleDelete(AuthRoleDeleteRequest.newBuilder()
                .setRole("reader").build()));
        auth.call("root", "user get alice", a -> a.auth().userGet(AuthUserGetRequest.newBuilder().setName("alice")
                .build()));
        auth.call("alice", "get a/x without a role", a -> a.kv().range(get("a/x").build()));
        auth.call("root", "get everything", a -> a.kv().range(range("\0", "\0").build()));
        auth.assertSame();
    }
}
