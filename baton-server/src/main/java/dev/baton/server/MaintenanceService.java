package dev.baton.server;

import dev.baton.server.store.StoreState;
import dev.baton.server.wal.Journal;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.stub.StreamObserver;

/**
 * etcd's Maintenance service, Status only: what {@code etcdctl endpoint status} shows. The
 * member is always its own leader; the raft index is the number of the last log record.
 * The other calls are not registered ({@link UnknownMethods}).
 */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    /** The etcd API level the server implements, reported as its version. */
    static final String API_VERSION = "3.4.0";

    private final StoreState state;
    private final Journal journal;
    private final ResponseHeaders headers;

    MaintenanceService(StoreState state, Journal journal, ResponseHeaders headers) {
        this.state = state;
        this.journal = journal;
        this.headers = headers;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> responses) {
        Replies.now(responses, () -> {
            long size = journal.sizeOnDisk();
            long index = journal.lastIndex();
            return StatusResponse.newBuilder()
                    .setHeader(headers.at(state.publishedRevision()))
                    .setVersion(API_VERSION)
                    .setDbSize(size)
                    .setDbSizeInUse(size)
                    .setLeader(headers.memberId())
                    .setRaftIndex(index)
                    .setRaftAppliedIndex(index)
                    .setRaftTerm(headers.raftTerm())
                    .build();
        });
    }
}
