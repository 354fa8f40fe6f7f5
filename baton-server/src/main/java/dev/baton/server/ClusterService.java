package dev.baton.server;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * etcd's Cluster service, MemberList only: the one member, with its client URL and no peer
 * URLs (it has no peers). Adding, removing, updating and promoting members are not registered
 * ({@link UnknownMethods}).
 */
final class ClusterService extends ClusterGrpc.ClusterImplBase {
    private final ResponseHeaders headers;
    private final String name;
    private final Supplier<String> clientUrl;

    ClusterService(ResponseHeaders headers, String name, Supplier<String> clientUrl) {
        this.headers = headers;
        this.name = name;
        this.clientUrl = clientUrl;
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> responses) {
        Replies.now(responses, () -> MemberListResponse.newBuilder()
                .setHeader(headers.withoutRevision())
                .addMembers(Member.newBuilder().setID(headers.memberId()).setName(name).addClientURLs(clientUrl.get()))
                .build());
    }
}
