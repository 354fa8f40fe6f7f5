package dev.baton.server;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.CampaignRequest;
import io.etcd.jetcd.api.CampaignResponse;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.ElectionGrpc;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.LeaderKey;
import io.etcd.jetcd.api.LeaderRequest;
import io.etcd.jetcd.api.LeaderResponse;
import io.etcd.jetcd.api.ProclaimRequest;
import io.etcd.jetcd.api.ProclaimResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResignRequest;
import io.etcd.jetcd.api.ResignResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's Election service ({@code v3electionpb.Election}), built as etcd builds it: etcd's
 * client-side election run against the server's own KV and Watch API. Candidates' keys are
 * {@code <name>/<lease in hex>}; the one with the lowest create revision is the leader, and its
 * value is the leader's proclamation.
 *
 * <ul>
 *   <li>Campaign puts the key (or, when it exists, proclaims the new value through it) and
 *       answers once every key created before it is deleted, with the header of its first txn and
 *       the leader key (name, key, create revision, lease). A campaign the client cancels
 *       resigns.
 *   <li>Proclaim and Resign act only while the key still has the leader key's create revision;
 *       Proclaim otherwise fails with "election: not leader", Resign does nothing.
 *   <li>Leader reads the key created first ("election: no leader" when none); Observe streams it
 *       and then each of its changes, and the next leader after it is deleted, until the client
 *       leaves (or the stream's watch fails, which ends it as etcd does, without error).
 * </ul>
 *
 * <p>Every call is made as the caller (etcd's recipes run with the caller's context), so with
 * auth enabled the caller's permissions decide.
 */
final class ElectionService extends ElectionGrpc.ElectionImplBase {
    static final String NOT_LEADER = "election: not leader";
    static final String NO_LEADER = "election: no leader";
    static final String MISSING_LEADER_KEY = "\"leader\" field must be provided";

    private final SelfClient self;

    ElectionService(SelfClient self) {
        this.self = self;
    }

    @Override
    public void campaign(CampaignRequest request, StreamObserver<CampaignResponse> responses) {
        Cancellation cancellation = new Cancellation();
        ((ServerCallStreamObserver<CampaignResponse>) responses).setOnCancelHandler(cancellation::cancel);
        SelfClient client = self.as(CallerIdentity.caller());
        CompletableFuture<CampaignResponse> elected = RecipeCalls.sessionLease(client, request.getLease())
                .thenCompose(lease -> campaign(client, request, lease, cancellation));
        RecipeCalls.reply(elected, responses, cancellation);
    }

    private static CompletableFuture<CampaignResponse> campaign(SelfClient client, CampaignRequest request,
            long lease, Cancellation cancellation) {
        ByteString prefix = RecipeCalls.prefix(request.getName());
        ByteString key = prefix.concat(ByteString.copyFromUtf8(SelfClient.hex(lease)));
        TxnRequest enter = TxnRequest.newBuilder()
                .addCompare(createRevisionIs(key, 0))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key)
                        .setValue(request.getValue()).setLease(lease)))
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)))
                .build();
        return client.txn(enter).thenCompose(entered -> {
            LeaderKey.Builder leader = LeaderKey.newBuilder().setName(request.getName()).setKey(key).setLease(lease)
                    .setRev(entered.getHeader().getRevision());
            CompletableFuture<?> proclaimed = CompletableFuture.completedFuture(null);
            if (!entered.getSucceeded()) {
                KeyValue existing = entered.getResponses(0).getResponseRange().getKvs(0);
                leader.setRev(existing.getCreateRevision());
                if (!existing.getValue().equals(request.getValue())) {
                    proclaimed = RecipeCalls.onFailure(proclaim(client, leader.build(), request.getValue()),
                            failure -> resign(client, leader.build()));
                }
            }
            LeaderKey leaderKey = leader.build();
            CompletableFuture<CampaignResponse> won = proclaimed
                    .thenCompose(ignored -> client.waitDeletes(prefix, leaderKey.getRev() - 1, cancellation))
                    .thenApply(header -> CampaignResponse.newBuilder().setHeader(entered.getHeader())
                            .setLeader(leaderKey).build());
            return RecipeCalls.onFailure(won, failure -> RecipeCalls.isCancellation(failure)
                    ? resign(client, leaderKey) : CompletableFuture.completedFuture(null));
        });
    }

    @Override
    public void proclaim(ProclaimRequest request, StreamObserver<ProclaimResponse> responses) {
        Cancellation cancellation = new Cancellation();
        if (!request.hasLeader()) {
            responses.onError(RecipeCalls.recipeError(MISSING_LEADER_KEY));
            return;
        }
        RecipeCalls.reply(proclaim(self.as(CallerIdentity.caller()), request.getLeader(), request.getValue())
                .thenApply(txn -> ProclaimResponse.newBuilder().setHeader(txn.getHeader()).build()),
                responses, cancellation);
    }

    private static CompletableFuture<TxnResponse> proclaim(SelfClient client, LeaderKey leader, ByteString value) {
        TxnRequest update = TxnRequest.newBuilder()
                .addCompare(createRevisionIs(leader.getKey(), leader.getRev()))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(leader.getKey())
                        .setValue(value).setLease(leader.getLease())))
                .build();
        return client.txn(update).thenApply(txn -> {
            if (!txn.getSucceeded()) {
                throw RecipeCalls.recipeError(NOT_LEADER);
            }
            return txn;
        });
    }

    @Override
    public void resign(ResignRequest request, StreamObserver<ResignResponse> responses) {
        Cancellation cancellation = new Cancellation();
        if (!request.hasLeader()) {
            responses.onError(RecipeCalls.recipeError(MISSING_LEADER_KEY));
            return;
        }
        RecipeCalls.reply(resign(self.as(CallerIdentity.caller()), request.getLeader())
                .thenApply(txn -> ResignResponse.newBuilder().setHeader(txn.getHeader()).build()),
                responses, cancellation);
    }

    private static CompletableFuture<TxnResponse> resign(SelfClient client, LeaderKey leader) {
        return client.txn(TxnRequest.newBuilder()
                .addCompare(createRevisionIs(leader.getKey(), leader.getRev()))
                .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
                        .setKey(leader.getKey())))
                .build());
    }

    @Override
    public void leader(LeaderRequest request, StreamObserver<LeaderResponse> responses) {
        Cancellation cancellation = new Cancellation();
        SelfClient client = self.as(CallerIdentity.caller());
        RecipeCalls.reply(client.range(SelfClient.firstCreated(RecipeCalls.prefix(request.getName()))).thenApply(r -> {
            if (r.getKvsCount() == 0) {
                throw RecipeCalls.recipeError(NO_LEADER);
            }
            return LeaderResponse.newBuilder().setHeader(r.getHeader()).setKv(r.getKvs(0)).build();
        }), responses, cancellation);
    }

    @Override
    public void observe(LeaderRequest request, StreamObserver<LeaderResponse> responses) {
        Cancellation cancellation = new Cancellation();
        ((ServerCallStreamObserver<LeaderResponse>) responses).setOnCancelHandler(cancellation::cancel);
        observeNextLeader(self.as(CallerIdentity.caller()), RecipeCalls.prefix(request.getName()), responses,
                cancellation)
                .whenComplete((ignored, failure) -> {
                    if (!cancellation.isCancelled()) {
                        responses.onCompleted();
                    }
                });
    }

    /** Sends the leader (waiting for one when there is none), follows it until deleted, repeats. */
    private static CompletableFuture<Void> observeNextLeader(SelfClient client, ByteString prefix,
            StreamObserver<LeaderResponse> responses, Cancellation cancellation) {
        return client.range(SelfClient.firstCreated(prefix)).thenCompose(current -> {
            if (current.getKvsCount() > 0) {
                return CompletableFuture.completedFuture(LeaderResponse.newBuilder().setHeader(current.getHeader())
                        .setKv(current.getKvs(0)).build());
            }
            WatchCreateRequest firstPut = WatchCreateRequest.newBuilder().setKey(prefix)
                    .setRangeEnd(SelfClient.prefixEnd(prefix)).setStartRevision(current.getHeader().getRevision()).build();
            return client.watchUntil(firstPut, w -> w.getEventsList().stream().anyMatch(e -> e.getType() == Event.EventType.PUT),
                    cancellation).thenApply(w -> {
                        KeyValue kv = w.getEventsList().stream().filter(e -> e.getType() == Event.EventType.PUT)
                                .findFirst().orElseThrow().getKv();
                        ResponseHeader header = w.getHeader().toBuilder().setRevision(kv.getModRevision()).build();
                        return LeaderResponse.newBuilder().setHeader(header).setKv(kv).build();
                    });
        }).thenCompose(leader -> {
            responses.onNext(leader);
            WatchCreateRequest changes = WatchCreateRequest.newBuilder().setKey(leader.getKv().getKey())
                    .setStartRevision(leader.getHeader().getRevision() + 1).build();
            return client.watchUntil(changes, w -> {
                for (Event e : w.getEventsList()) {
                    if (e.getType() == Event.EventType.DELETE) {
                        return true;
                    }
                    responses.onNext(LeaderResponse.newBuilder().setHeader(w.getHeader()).setKv(e.getKv()).build());
                }
                return false;
            }, cancellation);
        }).thenCompose(deleted -> observeNextLeader(client, prefix, responses, cancellation));
    }

    private static Compare createRevisionIs(ByteString key, long revision) {
        return Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.CREATE)
                .setResult(Compare.CompareResult.EQUAL).setCreateRevision(revision).build();
    }
}
