package dev.baton.server.differential;

import com.google.protobuf.Message;
import dev.baton.server.fuzz.ApiCalls;
import dev.baton.server.fuzz.RequestSequence;
import dev.baton.testkit.EtcdProcess;
import dev.baton.testkit.FuzzRun;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.TxnRequest;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * The hostile requests of {@code fuzz.HostileRequests} (those etcd 3.4 survives) sent to real
 * etcd and to the embedded server: each must get the same answer from both, so every rejection
 * carries etcd's exact code and message, and every acceptance the same response.
 */
@AddLifecycleHook(FuzzRun.class)
class HostileRequestsDifferentialTest {
    private static Path etcdDir;
    private static EtcdProcess etcd;
    private Differential diff;

    @BeforeContainer
    static void startEtcd() {
        etcdDir = FastTempDirs.create("baton-etcd-");
        etcd = EtcdProcess.builder().dataDir(etcdDir).start();
    }

    @AfterContainer
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
        FastTempDirs.delete(etcdDir);
    }

    @BeforeProperty
    void startBoth() {
        diff = Differential.against(etcd.endpoint());
    }

    @AfterProperty
    void stopEmbedded() {
        diff.close();
    }

    @Property(tries = 150, shrinking = ShrinkingMode.OFF)
    void hostileRequestsGetEtcdsAnswers(@ForAll("etcdSafeSequences") RequestSequence<Message> sequence) {
        for (Message request : sequence.requests()) {
            if (request instanceof StatusRequest) {
                continue;
            }
            if (request instanceof TxnRequest txn) {
                request = RandomOps.withoutEtcdCrash(txn);
            }
            Message sent = request;
            String what = ApiCalls.describe(sent);
            if (sent instanceof LeaseGrantRequest grant) {
                diff.run(what + ", then revoked", t -> grantAndRevoke(t, grant));
            } else if (sent instanceof RangeRequest range) {
                diff.run(what, t -> ApiCalls.send(t.channel, range), m -> RandomOps.canonical(range, m));
            } else if (sent instanceof TxnRequest txn) {
                diff.run(what, t -> ApiCalls.send(t.channel, txn), m -> RandomOps.canonical(txn, m));
            } else {
                diff.run(what, t -> ApiCalls.send(t.channel, sent), UnaryOperator.identity());
            }
        }
    }

    /**
     * A grant, revoked at once when it succeeds, so no lease outlives the call and the two
     * servers' expiry timers never decide an answer. The ID is cleared: servers choose their own.
     */
    private static Message grantAndRevoke(Target target, LeaseGrantRequest grant) {
        LeaseGrantResponse granted = (LeaseGrantResponse) ApiCalls.send(target.channel, grant);
        ApiCalls.send(target.channel, LeaseRevokeRequest.newBuilder().setID(granted.getID()).build());
        return grant.getID() == 0 ? granted.toBuilder().clearID().build() : granted;
    }

    @Provide
    Arbitrary<RequestSequence<Message>> etcdSafeSequences() {
        return RequestSequence.apiRequests(true);
    }
}
