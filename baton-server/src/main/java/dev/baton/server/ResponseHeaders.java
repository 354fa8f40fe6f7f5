package dev.baton.server;

import io.etcd.jetcd.api.ResponseHeader;

/** The cluster fields every response header carries: one member, one cluster, one term. */
final class ResponseHeaders {
    private final long clusterId;
    private final long memberId;
    private final long raftTerm;

    ResponseHeaders(long clusterId, long memberId, long raftTerm) {
        this.clusterId = clusterId;
        this.memberId = memberId;
        this.raftTerm = raftTerm;
    }

    long memberId() {
        return memberId;
    }

    long clusterId() {
        return clusterId;
    }

    long raftTerm() {
        return raftTerm;
    }

    /** A full header at {@code revision}. */
    ResponseHeader at(long revision) {
        return ResponseHeader.newBuilder()
                .setClusterId(clusterId)
                .setMemberId(memberId)
                .setRevision(revision)
                .setRaftTerm(raftTerm)
                .build();
    }

    /** The header etcd gives membership responses: no revision. */
    ResponseHeader withoutRevision() {
        return at(0);
    }

    /** {@code partial}'s revision with the cluster fields added. */
    ResponseHeader fill(ResponseHeader partial) {
        return at(partial.getRevision());
    }
}
