package dev.baton.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.baton.server.EmbeddedEtcd;
import dev.baton.testkit.FuzzRun;
import io.etcd.jetcd.api.AlarmMember;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmType;
import io.etcd.jetcd.api.AuthEnableRequest;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthRoleAddRequest;
import io.etcd.jetcd.api.AuthRoleDeleteRequest;
import io.etcd.jetcd.api.AuthRoleGetRequest;
import io.etcd.jetcd.api.AuthRoleGrantPermissionRequest;
import io.etcd.jetcd.api.AuthRoleRevokePermissionRequest;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.AuthUserDeleteRequest;
import io.etcd.jetcd.api.AuthUserGetRequest;
import io.etcd.jetcd.api.AuthUserGrantRoleRequest;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.CampaignRequest;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaderKey;
import io.etcd.jetcd.api.LeaderRequest;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.Permission;
import io.etcd.jetcd.api.ProclaimRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.ResignRequest;
import io.etcd.jetcd.api.lock.LockGrpc;
import io.etcd.jetcd.api.lock.LockRequest;
import io.etcd.jetcd.api.lock.UnlockRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Malformed and extreme requests to the Lock, Election, Maintenance and Auth services and to
 * the JSON gateway: each is answered, or refused with etcd's own error (UNKNOWN with an etcd or
 * recipe message where etcd answers so, FAILED_PRECONDITION for an alarm the server cannot
 * raise), never INTERNAL, never left waiting; the gateway never answers 5xx; a normal write and
 * read work after every request, once a NOSPACE alarm it raised is disarmed. Each try holds one granted lease and names hold no {@code /},
 * so no lock or candidate has another's key to wait for.
 */
@AddLifecycleHook(FuzzRun.class)
class RecipeAndMaintenanceFuzzTest {
    private static final long DEADLINE_SECONDS = 30;
    private static final Set<String> RECIPE_ERRORS = Set.of("election: not leader", "election: no leader",
            "\"leader\" field must be provided", "session expired");
    /**
     * Names without {@code /}: a name's keys ({@code <name>/<lease>}) then never fall under
     * another name's prefix, where a lock or campaign would rightly wait for them.
     */
    private static final byte[][] NAMES = {
        {}, {0}, {(byte) 0xff}, {'a'}, {'a', 0}, {(byte) 0xc3, 0x28}, {'l', 'o', 'c', 'k'}, {'e', 'l'},
    };
    private static final long[] UNGRANTED = {3, -3, 12345, Long.MAX_VALUE, Long.MIN_VALUE, -1};
    private static final long[] REVISIONS = {0, 1, -1, 2, 5, 1000, Long.MAX_VALUE, Long.MIN_VALUE};
    private static final String[] GATEWAY_PATHS = {
        "/v3/kv/range", "/v3/kv/put", "/v3/kv/deleterange", "/v3/kv/txn", "/v3/kv/compaction",
        "/v3/lease/grant", "/v3/lease/revoke", "/v3/lease/timetolive", "/v3/maintenance/status",
        "/v3/maintenance/alarm", "/v3/maintenance/transfer-leadership", "/v3/cluster/member/list",
        "/v3/lease/keepalive", "/v3/lease/leases", "/v3/kv/lease/leases", "/v3/maintenance/hash",
        "/v3/maintenance/snapshot", "/v3beta/kv/range", "/v3beta/kv/put", "/v3/auth/user/add",
        "/v3/auth/role/grant", "/v3/auth/authenticate", "/v3/auth/user/get", "/v3/auth/role/revoke",
    };
    private static final String[] BODIES = {
        "", "null", "[]", "{", "{\"key\":\"\"}", "{\"key\":\"!!\"}", "{\"key\":1}", "{\"key\":\"YQ==\",\"limit\":\"x\"}",
        "{\"key\":\"YQ==\",\"sort_order\":\"SIDEWAYS\"}", "{\"key\":\"YQ==\",\"sort_order\":99}",
        "{\"revision\":\"-1\"}", "{\"revision\":\"99999999999999999999\"}", "{\"ID\":\"-5\",\"TTL\":\"-5\"}",
        "{\"compare\":[{}],\"success\":[{}]}", "{\"success\":[{\"request_txn\":{\"success\":[{\"request_put\":{}}]}}]}",
        "{\"key\":\"YQ==\",\"value\":\"YQ==\",\"lease\":\"12345\"}", "{\"unknown\":true}", "{\"key\":{\"a\":1}}",
        "{\"key\":\"YQ==\",\"keys_only\":\"yes\"}", "{\"action\":\"ACTIVATE\",\"alarm\":\"NOSPACE\"}",
        "{\"action\":7}", "{\"targetID\":\"-1\"}", "{\"name\":\"\",\"password\":\"\"}",
        "{\"name\":\"r\",\"perm\":{\"permType\":9,\"key\":\"YQ==\"}}", "{\"name\":\"r\",\"perm\":{}}",
    };

    private EmbeddedEtcd server;
    private ManagedChannel channel;
    private long tryLease;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeProperty
    void start() {
        server = EmbeddedEtcd.builder().inMemory().build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    @AfterProperty
    void stop() throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    /** One hostile call: what it sends, and how it is sent. */
    private record Call(String what, Function<RecipeAndMaintenanceFuzzTest, Object> send) {
        @Override
        public String toString() {
            return what;
        }
    }

    private record Calls(List<Call> calls) {
        @Override
        public String toString() {
            return calls.stream().map(Call::what).collect(Collectors.joining("\n  ", "[\n  ", "\n]"));
        }
    }

    @Property(tries = 60, shrinking = ShrinkingMode.OFF)
    void hostileCallsAreAnsweredOrRefusedByName(@ForAll("sequences") Calls sequence) {
        tryLease = LeaseGrpc.newBlockingStub(channel).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(600).build())
                .getID();
        try {
            for (Call call : sequence.calls()) {
                try {
                    call.send().apply(this);
                } catch (StatusRuntimeException e) {
                    assertThat(problem(e)).as("%s was refused with %s", call.what(), e.getStatus()).isNull();
                }
                aNormalWriteAndReadStillWork(call.what());
            }
        } finally {
            LeaseGrpc.newBlockingStub(channel).leaseRevoke(LeaseRevokeRequest.newBuilder().setID(tryLease).build());
        }
    }

    private static String problem(StatusRuntimeException e) {
        Status status = e.getStatus();
        String description = status.getDescription() == null ? "" : status.getDescription();
        if (status.getCode() == Status.Code.UNKNOWN && (RECIPE_ERRORS.contains(description)
                || description.startsWith("etcdserver: "))) {
            return null;
        }
        if (status.getCode() == Status.Code.FAILED_PRECONDITION && description.startsWith("baton: this server raises")) {
            return null;
        }
        return Rejections.problem(e);
    }

    /** After disarming what the call raised, as {@code etcdctl alarm disarm} does: NOSPACE alone can be. */
    private void aNormalWriteAndReadStillWork(String after) {
        var maintenance = MaintenanceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        for (AlarmMember raised : maintenance.alarm(AlarmRequest.getDefaultInstance()).getAlarmsList()) {
            assertThat(raised.getAlarm()).as("an alarm raised by %s", after).isEqualTo(AlarmType.NOSPACE);
            maintenance.alarm(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.DEACTIVATE)
                    .setMemberID(raised.getMemberID()).setAlarm(raised.getAlarm()).build());
        }
        ByteString value = ByteString.copyFromUtf8("after " + after.hashCode());
        KVGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .put(PutRequest.newBuilder().setKey(HostileRequests.CANARY).setValue(value).build());
        assertThat(KVGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .range(RangeRequest.newBuilder().setKey(HostileRequests.CANARY).build()).getKvs(0).getValue())
                .as("the canary after %s", after).isEqualTo(value);
    }

    @Provide
    Arbitrary<Calls> sequences() {
        return Arbitraries.randomValue(random -> {
            List<Call> calls = new ArrayList<>();
            int count = 1 + random.nextInt(10);
            for (int i = 0; i < count; i++) {
                calls.add(call(random));
            }
            return new Calls(calls);
        });
    }

    private static ByteString name(Random random) {
        if (random.nextInt(10) == 0) {
            byte[] big = new byte[1 + random.nextInt(100_000)];
            random.nextBytes(big);
            for (int i = 0; i < big.length; i++) {
                if (big[i] == '/') {
                    big[i] = 'x';
                }
            }
            return ByteString.copyFrom(big);
        }
        return ByteString.copyFrom(NAMES[random.nextInt(NAMES.length)]);
    }

    private static long pick(Random random, long[] values) {
        return values[random.nextInt(values.length)];
    }

    /** The try's lease, or one nobody granted. */
    private long lease(boolean granted, long ungranted) {
        return granted ? tryLease : ungranted;
    }

    private static Call call(Random random) {
        ByteString name = name(random);
        boolean granted = random.nextBoolean();
        long ungranted = pick(random, UNGRANTED);
        long revision = pick(random, REVISIONS);
        String shown = name.size() > 20 ? name.size() + " bytes" : name.toString();
        return switch (random.nextInt(16)) {
            case 0 -> new Call("Lock " + shown + (granted ? " on the try's lease" : " on " + ungranted), t ->
                    t.lock().lock(LockRequest.newBuilder().setName(name).setLease(t.lease(granted, ungranted)).build()));
            case 1 -> new Call("Unlock " + shown, t -> t.lock().unlock(UnlockRequest.newBuilder().setKey(name).build()));
            case 2 -> new Call("Campaign " + shown + (granted ? " on the try's lease" : " on " + ungranted), t ->
                    t.election().campaign(CampaignRequest.newBuilder().setName(name)
                            .setLease(t.lease(granted, ungranted)).setValue(name).build()));
            case 3 -> new Call("Proclaim " + shown + " rev " + revision, t -> t.election().proclaim(
                    ProclaimRequest.newBuilder().setLeader(LeaderKey.newBuilder().setName(name).setKey(name)
                            .setRev(revision).setLease(t.lease(granted, ungranted))).setValue(name).build()));
            case 4 -> new Call("Proclaim without a leader key", t -> t.election().proclaim(
                    ProclaimRequest.newBuilder().setValue(name).build()));
            case 5 -> new Call("Resign " + shown + " rev " + revision, t -> t.election().resign(
                    ResignRequest.newBuilder().setLeader(LeaderKey.newBuilder().setName(name).setKey(name)
                            .setRev(revision)).build()));
            case 6 -> new Call("Leader " + shown, t -> t.election().leader(LeaderRequest.newBuilder().setName(name)
                    .build()));
            case 7 -> new Call("HashKV at " + revision, t -> t.maintenance().hashKV(HashKVRequest.newBuilder()
                    .setRevision(revision).build()));
            case 8 -> new Call("Hash", t -> t.maintenance().hash(HashRequest.getDefaultInstance()));
            case 9 -> {
                int action = random.nextInt(5) - 1;
                int alarm = random.nextInt(5) - 1;
                yield new Call("Alarm action " + action + " alarm " + alarm, t -> t.maintenance().alarm(
                        AlarmRequest.newBuilder().setActionValue(action).setAlarmValue(alarm)
                                .setMemberID(ungranted).build()));
            }
            case 10 -> new Call("MoveLeader to " + ungranted, t -> t.maintenance().moveLeader(
                    MoveLeaderRequest.newBuilder().setTargetID(ungranted).build()));
            case 11 -> new Call("Defragment", t -> t.maintenance().defragment(DefragmentRequest.getDefaultInstance()));
            case 12, 13 -> authCall(random, name.toStringUtf8(), shown);
            default -> {
                String path = GATEWAY_PATHS[random.nextInt(GATEWAY_PATHS.length)];
                String body = BODIES[random.nextInt(BODIES.length)];
                yield new Call("POST " + path + " " + body, t -> t.gateway(path, body));
            }
        };
    }

    /**
     * An Auth call on names that are never "root" (so auth is never enabled and the canary write
     * keeps working): users and roles added, deleted and granted in any order, permissions of any
     * type (also outside the API) on odd keys and ranges, authentication while auth is disabled.
     */
    private static Call authCall(Random random, String name, String shown) {
        ByteString key = ByteString.copyFrom(NAMES[random.nextInt(NAMES.length)]);
        ByteString end = ByteString.copyFrom(NAMES[random.nextInt(NAMES.length)]);
        int type = random.nextInt(5) - 1;
        return switch (random.nextInt(10)) {
            case 0 -> new Call("UserAdd " + shown, t -> t.auth().userAdd(AuthUserAddRequest.newBuilder().setName(name)
                    .setPassword(name).build()));
            case 1 -> new Call("RoleAdd " + shown, t -> t.auth().roleAdd(AuthRoleAddRequest.newBuilder().setName(name)
                    .build()));
            case 2 -> new Call("UserGrantRole " + shown, t -> t.auth().userGrantRole(AuthUserGrantRoleRequest
                    .newBuilder().setUser(name).setRole(name).build()));
            case 3 -> new Call("RoleGrantPermission " + shown + " type " + type, t -> t.auth().roleGrantPermission(
                    AuthRoleGrantPermissionRequest.newBuilder().setName(name).setPerm(Permission.newBuilder()
                            .setPermTypeValue(type).setKey(key).setRangeEnd(end)).build()));
            case 4 -> new Call("RoleRevokePermission " + shown, t -> t.auth().roleRevokePermission(
                    AuthRoleRevokePermissionRequest.newBuilder().setRole(name).setKey(key).setRangeEnd(end).build()));
            case 5 -> new Call("UserDelete " + shown, t -> t.auth().userDelete(AuthUserDeleteRequest.newBuilder()
                    .setName(name).build()));
            case 6 -> new Call("RoleDelete " + shown, t -> t.auth().roleDelete(AuthRoleDeleteRequest.newBuilder()
                    .setRole(name).build()));
            case 7 -> new Call("UserGet and RoleGet " + shown, t -> {
                t.auth().roleGet(AuthRoleGetRequest.newBuilder().setRole(name).build());
                return t.auth().userGet(AuthUserGetRequest.newBuilder().setName(name).build());
            });
            case 8 -> new Call("Authenticate " + shown, t -> t.auth().authenticate(AuthenticateRequest.newBuilder()
                    .setName(name).setPassword(name).build()));
            default -> new Call("AuthEnable", t -> t.auth().authEnable(AuthEnableRequest.getDefaultInstance()));
        };
    }

    private AuthGrpc.AuthBlockingStub auth() {
        return AuthGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private LockGrpc.LockBlockingStub lock() {
        return LockGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private ElectionGrpc.ElectionBlockingStub election() {
        return ElectionGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private MaintenanceGrpc.MaintenanceBlockingStub maintenance() {
        return MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private Message gateway(String path, String body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + path))
                    .timeout(Duration.ofSeconds(DEADLINE_SECONDS))
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("POST %s %s answered %s", path, body, response.body()).isLessThan(500);
            return null;
        } catch (java.io.IOException e) {
            throw new AssertionError("POST " + path + " " + body + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
