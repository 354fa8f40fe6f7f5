package dev.baton.server;

import dev.baton.server.store.EtcdError;
import dev.baton.server.wal.Journal;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmType;
import io.grpc.stub.StreamObserver;

/**
 * etcd's space quota ({@code --quota-backend-bytes}): a write that adds data is refused with
 * {@link EtcdError#noSpace()}, and the member's NOSPACE alarm raised, when the journal's size on
 * disk plus the write's {@link dev.baton.server.store.QuotaCost cost} would reach the quota. As in
 * etcd, the check comes before the write is queued, and the raised alarm then refuses every write
 * that adds data until it is disarmed. The size shrinks when a snapshot replaces the log (a
 * defragmentation, or every 64 MiB of log), so deleting, compacting and defragmenting frees space.
 * A server in memory has no size on disk; only a single write costing the whole quota reaches it.
 */
final class SpaceQuota {
    /** etcd's default quota. */
    static final long DEFAULT_BYTES = 2L * 1024 * 1024 * 1024;

    private final long quotaBytes;
    private final Journal journal;
    private final CommitPipeline pipeline;
    private final AlarmRequest raise;

    SpaceQuota(long quotaBytes, Journal journal, CommitPipeline pipeline, long memberId) {
        this.quotaBytes = quotaBytes;
        this.journal = journal;
        this.pipeline = pipeline;
        this.raise = AlarmRequest.newBuilder()
                .setAction(AlarmRequest.AlarmAction.ACTIVATE)
                .setMemberID(memberId)
                .setAlarm(AlarmType.NOSPACE)
                .build();
    }

    /**
     * Whether a write of {@code cost} bytes does not fit; if so, {@code responses} is answered
     * NOSPACE once the alarm is raised, and the caller must not queue the write.
     */
    boolean refuses(long cost, StreamObserver<?> responses) {
        if (cost == 0 || journal.sizeOnDisk() + cost < quotaBytes) {
            return false;
        }
        pipeline.submit(s -> s.alarm(raise)).whenComplete((raised, failure) ->
                responses.onError(EtcdError.noSpace().toStatus().asRuntimeException()));
        return true;
    }
}
