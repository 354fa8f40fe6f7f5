package dev.baton.server.differential;

import static dev.baton.server.differential.Requests.delete;
import static dev.baton.server.differential.Requests.get;
import static dev.baton.server.differential.Requests.put;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.baton.testkit.EtcdExtension;
import io.etcd.jetcd.api.AlarmMember;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmType;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.StatusRequest;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The space quota on real etcd and the embedded server, each started with a 1 MiB quota: the
 * same story on each (fill until refused, then what works and what does not while the alarm is
 * raised, free space, disarm), transcripts compared line by line. How many writes fit differs
 * (etcd's bbolt file is not Baton's log), so the transcript says only that several did.
 */
class SpaceQuotaDifferentialTest {
    private static final long QUOTA_BYTES = 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final Path etcdDir = FastTempDirs.create("baton-etcd-");

    @RegisterExtension
    final EtcdExtension etcd = new EtcdExtension(b -> b.dataDir(etcdDir)
            .extraArgs("--quota-backend-bytes=" + QUOTA_BYTES));

    private ScratchServer embedded;

    @BeforeEach
    void start() {
        embedded = ScratchServer.start(b -> b.quotaBackendBytes(QUOTA_BYTES));
    }

    @AfterEach
    void stop() {
        embedded.close();
        FastTempDirs.delete(etcdDir);
    }

    @Test
    void writesPastTheQuotaRaiseTheAlarmUntilSpaceIsFreedAndItIsDisarmed() throws Exception {
        List<String> onEtcd = story(new Target("etcd", etcd.endpoint()), etcd.endpoint());
        List<String> onEmbedded = story(new Target("embedded", embedded.endpoint()), embedded.endpoint());
        System.out.println("space quota story:\n  " + String.join("\n  ", onEtcd));
        assertThat(onEmbedded).containsExactlyElementsOf(onEtcd);
    }

    private static List<String> story(Target t, String endpoint) throws Exception {
        List<String> lines = new ArrayList<>();
        try (t) {
            long self = t.maintenance().status(StatusRequest.getDefaultInstance()).getHeader().getMemberId();
            ByteString value = ByteString.copyFrom(new byte[100 * 1024]);
            int fitted = 0;
            String refusal = "";
            for (int i = 0; i < 40 && refusal.isEmpty(); i++) {
                String key = "q/" + i;
                refusal = error(() -> t.kv().put(put(key, "").setValue(value).build()));
                if (refusal.isEmpty()) {
                    fitted++;
                }
            }
            lines.add("several 100 KiB puts fit: " + (fitted >= 3) + "; then: " + refusal);
            lines.add("alarms: " + alarms(t, self));
            lines.add("a small put: " + error(() -> t.kv().put(put("q/small", "v").build())));
            lines.add("a lease grant: " + error(() -> t.lease().leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60)
                    .build())));
            lines.add("a read: " + error(() -> t.kv().range(get("q/0").setKeysOnly(true).build())));
            lines.add("health: " + httpGet(endpoint + "/health"));
            lines.add("health excluding NOSPACE: " + httpGet(endpoint + "/health?exclude=NOSPACE"));
            long revision = t.kv().deleteRange(delete("q/", "q0").build()).getHeader().getRevision();
            lines.add("after deleting, a small put: " + error(() -> t.kv().put(put("q/small", "v").build())));
            t.kv().compact(CompactionRequest.newBuilder().setRevision(revision).setPhysical(true).build());
            t.maintenance().defragment(DefragmentRequest.getDefaultInstance());
            lines.add("after compacting and defragmenting, a small put: "
                    + error(() -> t.kv().put(put("q/small", "v").build())));
            lines.add("disarm: " + t.maintenance().alarm(AlarmRequest.newBuilder()
                    .setAction(AlarmRequest.AlarmAction.DEACTIVATE).setMemberID(self).setAlarm(AlarmType.NOSPACE)
                    .build()).getAlarmsList().stream().map(a -> describe(a, self)).toList());
            lines.add("alarms after disarming: " + alarms(t, self));
            lines.add("a small put: " + error(() -> t.kv().put(put("q/small", "v").build())));
            lines.add("a 100 KiB put: " + error(() -> t.kv().put(put("q/big", "").setValue(value).build())));
            lines.add("health: " + httpGet(endpoint + "/health"));
        }
        return lines;
    }

    private static List<String> alarms(Target t, long self) {
        return t.maintenance().alarm(AlarmRequest.newBuilder().setAction(AlarmRequest.AlarmAction.GET).build())
                .getAlarmsList().stream().map(a -> describe(a, self)).toList();
    }

    private static String describe(AlarmMember alarm, long self) {
        return (alarm.getMemberID() == self ? "this member" : Long.toHexString(alarm.getMemberID())) + " "
                + alarm.getAlarm();
    }

    /** "" when the call succeeds, else its status. */
    private static String error(Supplier<?> call) {
        try {
            call.get();
            return "";
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
        }
    }

    private static String httpGet(String uri) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(uri)).GET()
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body().trim();
    }
}
