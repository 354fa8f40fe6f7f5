package dev.baton.server;

import dev.baton.server.store.EtcdError;
import dev.baton.server.store.Lease;
import dev.baton.server.store.LeaseExpiredException;
import dev.baton.server.store.QuotaCost;
import dev.baton.server.store.RequestPermissions;
import dev.baton.server.store.StoreState;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/**
 * etcd's Lease service. Grants and revocations are writes; keep-alives only move a deadline
 * in memory (as in etcd, they are not persisted: after a restart every lease has its full TTL).
 */
final class LeaseService extends LeaseGrpc.LeaseImplBase {
    private final StoreState state;
    private final CommitPipeline pipeline;
    private final ResponseHeaders headers;
    private final int maxRequestBytes;
    private final SpaceQuota quota;
    private final CallerIdentity identity;

    LeaseService(StoreState state, CommitPipeline pipeline, ResponseHeaders headers, int maxRequestBytes,
            SpaceQuota quota, CallerIdentity identity) {
        this.identity = identity;
        this.state = state;
        this.pipeline = pipeline;
        this.headers = headers;
        this.maxRequestBytes = maxRequestBytes;
        this.quota = quota;
    }

    @Override
    public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> responses) {
        if (quota.refuses(QuotaCost.LEASE_GRANT, responses)) {
            return;
        }
        try {
            identity.user();
            KvService.checkSize(request, maxRequestBytes);
        } catch (EtcdError e) {
            responses.onError(e.toStatus().asRuntimeException());
            return;
        }
        pipeline.submit(s -> s.grantLease(request)).whenComplete(Replies.later(responses,
                r -> r.toBuilder().setHeader(headers.fill(r.getHeader())).build()));
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> responses) {
        String user;
        try {
            user = identity.user();
        } catch (EtcdError e) {
            responses.onError(e.toStatus().asRuntimeException());
            return;
        }
        pipeline.submit(s -> {
            RequestPermissions.leaseKeys(s.auth(), user, s.leases().get(request.getID()));
            return s.revokeLease(request.getID());
        }).whenComplete(Replies.later(responses,
                r -> r.toBuilder().setHeader(headers.fill(r.getHeader())).build()));
    }

    /**
     * Each request renews one lease and is answered with its granted TTL; an unknown lease gets
     * TTL 0, and an expired one, once its revocation is done, TTL 0 too (etcd waits the same way).
     */
    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> responses) {
        return new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveRequest request) {
                long id = request.getID();
                try {
                    Lease lease = state.leases().renew(id);
                    answer(id, lease == null ? 0 : lease.ttlSeconds());
                } catch (LeaseExpiredException e) {
                    e.lease().revoked().whenComplete((ignored, failure) -> answer(id, 0));
                }
            }

            private void answer(long id, long ttl) {
                LeaseKeepAliveResponse response = LeaseKeepAliveResponse.newBuilder()
                        .setHeader(headers.at(state.publishedRevision()))
                        .setID(id)
                        .setTTL(ttl)
                        .build();
                synchronized (responses) {
                    responses.onNext(response);
                }
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
                synchronized (responses) {
                    responses.onCompleted();
                }
            }
        };
    }

    /** An unknown lease is answered with TTL -1, not an error, as etcd does. */
    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request,
            StreamObserver<LeaseTimeToLiveResponse> responses) {
        Replies.now(responses, () -> {
            LeaseTimeToLiveResponse.Builder r = LeaseTimeToLiveResponse.newBuilder()
                    .setHeader(headers.at(state.publishedRevision()))
                    .setID(request.getID());
            Lease lease = state.leases().get(request.getID());
            if (lease == null) {
                return r.setTTL(-1).build();
            }
            r.setTTL(state.leases().remainingSeconds(lease)).setGrantedTTL(lease.ttlSeconds());
            if (request.getKeys()) {
                r.addAllKeys(lease.keys());
            }
            return r.build();
        });
    }

    /** The service with etcd's {@code LeaseLeases} method ({@link LeaseLeasesCall}) added. */
    ServerServiceDefinition bindWithLeaseList() {
        ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(LeaseGrpc.SERVICE_NAME);
        for (ServerMethodDefinition<?, ?> method : bindService().getMethods()) {
            service.addMethod(method);
        }
        service.addMethod(LeaseLeasesCall.METHOD, ServerCalls.asyncUnaryCall((request, responses) ->
                Replies.now(responses, () -> LeaseLeasesCall.response(headers.at(state.publishedRevision()),
                        state.leases().all().stream().map(Lease::id).toList()))));
        return service.build();
    }
}
