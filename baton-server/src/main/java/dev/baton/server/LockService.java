package dev.baton.server;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.lock.LockGrpc;
import io.etcd.jetcd.api.lock.LockRequest;
import io.etcd.jetcd.api.lock.LockResponse;
import io.etcd.jetcd.api.lock.UnlockRequest;
import io.etcd.jetcd.api.lock.UnlockResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's Lock service ({@code v3lockpb.Lock}), built as etcd builds it: etcd's client-side mutex
 * run against the server's own KV and Watch API.
 *
 * <p>Lock puts {@code <name>/<lease in hex>} (empty value, on the lease) unless that key exists;
 * the key with the lowest create revision under {@code <name>/} holds the lock, so a caller
 * waits until every key created before its own is deleted (watching the newest of them each
 * time), then answers with its key and the header of the read that found the way clear. A
 * caller whose key is gone by then (its lease expired) gets etcd's "session expired". A caller
 * that cancels, or whose wait fails, has its key deleted. Unlock deletes the key given. Every
 * call is made as the caller (etcd's recipes run with the caller's context), so with auth enabled
 * the caller's permissions decide.
 */
final class LockService extends LockGrpc.LockImplBase {
    private final SelfClient self;

    LockService(SelfClient self) {
        this.self = self;
    }

    @Override
    public void lock(LockRequest request, StreamObserver<LockResponse> responses) {
        Cancellation cancellation = new Cancellation();
        ((ServerCallStreamObserver<LockResponse>) responses).setOnCancelHandler(cancellation::cancel);
        ByteString prefix = RecipeCalls.prefix(request.getName());
        SelfClient client = self.as(CallerIdentity.caller());
        CompletableFuture<LockResponse> locked = RecipeCalls.sessionLease(client, request.getLease())
                .thenCompose(lease -> acquire(client, prefix, lease, cancellation));
        RecipeCalls.reply(locked, responses, cancellation);
    }

    private static CompletableFuture<LockResponse> acquire(SelfClient client, ByteString prefix, long lease,
            Cancellation cancellation) {
        ByteString myKey = prefix.concat(ByteString.copyFromUtf8(SelfClient.hex(lease)));
        TxnRequest enqueue = TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(myKey).setTarget(Compare.CompareTarget.CREATE)
                        .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(myKey).setLease(lease)))
                .addSuccess(RequestOp.newBuilder().setRequestRange(SelfClient.firstCreated(prefix)))
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(myKey)))
                .addFailure(RequestOp.newBuilder().setRequestRange(SelfClient.firstCreated(prefix)))
                .build();
        return client.txn(enqueue).thenCompose(queued -> {
            long myRevision = queued.getSucceeded() ? queued.getHeader().getRevision()
                    : queued.getResponses(0).getResponseRange().getKvs(0).getCreateRevision();
            var owner = queued.getResponses(1).getResponseRange().getKvsList();
            if (owner.isEmpty() || owner.get(0).getCreateRevision() == myRevision) {
                return CompletableFuture.completedFuture(
                        LockResponse.newBuilder().setHeader(queued.getHeader()).setKey(myKey).build());
            }
            CompletableFuture<LockResponse> acquired = client.waitDeletes(prefix, myRevision - 1, cancellation)
                    .thenCompose(header -> client.range(RangeRequest.newBuilder().setKey(myKey).build())
                            .thenApply(mine -> {
                                if (mine.getKvsCount() == 0) {
                                    throw RecipeCalls.recipeError("session expired");
                                }
                                return LockResponse.newBuilder().setHeader(header).setKey(myKey).build();
                            }));
            return RecipeCalls.onFailure(acquired, failure -> client.delete(myKey));
        });
    }

    @Override
    public void unlock(UnlockRequest request, StreamObserver<UnlockResponse> responses) {
        Cancellation cancellation = new Cancellation();
        RecipeCalls.reply(self.as(CallerIdentity.caller()).delete(request.getKey())
                .thenApply(deleted -> UnlockResponse.newBuilder().setHeader(deleted.getHeader()).build()),
                responses, cancellation);
    }
}
