package dev.baton.server;

import dev.baton.server.store.EtcdError;
import dev.baton.server.store.KeyspaceHash;
import dev.baton.server.store.StoreState;
import dev.baton.server.wal.Journal;
import dev.baton.server.wal.WriteAheadLog;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.AlarmType;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.DefragmentResponse;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.HashRequest;
import io.etcd.jetcd.api.HashResponse;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.MoveLeaderResponse;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.SnapshotResponse;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * etcd's Maintenance service for one member that is always its own leader.
 *
 * <ul>
 *   <li>Status: what {@code etcdctl endpoint status} shows; the raft index counts the member's
 *       start as the first entry (as etcd's bootstrap entry is) and each log record after it; the
 *       errors are the raised alarms, written as etcd writes them.
 *   <li>Alarm: listing, raising and disarming NOSPACE alarms as etcd does (the {@link SpaceQuota}
 *       raises this member's), through the writer, so an alarm is durable before it is answered;
 *       activating NONE does nothing, activating CORRUPT (the server does not check itself for
 *       corruption) or a type outside the API is refused.
 *   <li>Defragment: replaces the log by a snapshot of the state, which is what frees space here.
 *   <li>HashKV: etcd's hash of the key space ({@link KeyspaceHash}); Hash: a hash of the whole
 *       state, Baton's own.
 *   <li>Snapshot: the state in Baton's snapshot format, streamed in 32 KiB pieces and followed,
 *       as etcd does, by its SHA-256 ({@link WriteAheadLog#restore}).
 *   <li>MoveLeader: to itself succeeds at once, to any other ID fails with etcd's "bad leader
 *       transferee", as in a one-member etcd cluster.
 * </ul>
 *
 * As in etcd, Alarm, Defragment and MoveLeader answer without a response header. Hash, HashKV,
 * Defragment and Snapshot run on the writer thread, so they see one revision.
 */
final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    /** The etcd API level the server implements, reported as its version. */
    static final String API_VERSION = "3.4.0";
    static final int SNAPSHOT_CHUNK_BYTES = 32 * 1024;
    /** etcd's CORRUPT alarm type, which jetcd's generated enum lacks. */
    private static final int CORRUPT_ALARM = 2;

    private final StoreState state;
    private final Journal journal;
    private final ResponseHeaders headers;
    private final CommitPipeline pipeline;
    private final Path exportDir;
    private final CallerIdentity identity;

    /** @param exportDir where a snapshot being streamed is kept until it is sent */
    MaintenanceService(StoreState state, Journal journal, ResponseHeaders headers, CommitPipeline pipeline,
            Path exportDir, CallerIdentity identity) {
        this.identity = identity;
        this.state = state;
        this.journal = journal;
        this.headers = headers;
        this.pipeline = pipeline;
        this.exportDir = exportDir;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> responses) {
        Replies.now(responses, () -> {
            long size = journal.sizeOnDisk();
            long index = journal.lastIndex() + 1;
            return StatusResponse.newBuilder()
                    .setHeader(headers.at(state.publishedRevision()))
                    .setVersion(API_VERSION)
                    .setDbSize(size)
                    .setDbSizeInUse(size)
                    .setLeader(headers.memberId())
                    .setRaftIndex(index)
                    .setRaftAppliedIndex(index)
                    .setRaftTerm(headers.raftTerm())
                    .addAllErrors(state.alarms().stream()
                            .map(a -> "memberID:" + Long.toUnsignedString(a.getMemberID()) + " alarm:" + a.getAlarm()
                                    + " ")
                            .toList())
                    .build();
        });
    }

    @Override
    public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> responses) {
        if (request.getAction() == AlarmRequest.AlarmAction.ACTIVATE && request.getAlarm() != AlarmType.NONE
                && request.getAlarm() != AlarmType.NOSPACE) {
            String alarm = request.getAlarmValue() == CORRUPT_ALARM ? "CORRUPT" : "type " + request.getAlarmValue();
            responses.onError(Status.FAILED_PRECONDITION.withDescription("baton: this server raises only NOSPACE "
                    + "alarms, so alarm " + alarm + " cannot be activated").asRuntimeException());
            return;
        }
        pipeline.submit(s -> s.alarm(request)).whenComplete(Replies.later(responses, r -> r));
    }

    /**
     * Why the caller may not make a call that needs the root role (Defragment, Hash, HashKV,
     * Snapshot), or null when they may (or auth is disabled). etcd answers these refusals
     * UNKNOWN with its auth package's wording ("auth: permission denied"), not with the gRPC
     * errors of other calls.
     */
    private Status adminRefusal() {
        try {
            state.auth().checkAdmin(identity.user());
            return null;
        } catch (EtcdError e) {
            return Status.UNKNOWN.withDescription(e.getMessage().replaceFirst("^etcdserver: ", "auth: "));
        }
    }

    private boolean refusedAdmin(StreamObserver<?> responses) {
        Status refusal = adminRefusal();
        if (refusal != null) {
            responses.onError(refusal.asRuntimeException());
        }
        return refusal != null;
    }

    @Override
    public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> responses) {
        if (refusedAdmin(responses)) {
            return;
        }
        pipeline.submit(s -> {
            try {
                journal.snapshot(s);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write a snapshot: " + e.getMessage(), e);
            }
            return DefragmentResponse.getDefaultInstance();
        }).whenComplete(Replies.later(responses, r -> r));
    }

    @Override
    public void hash(HashRequest request, StreamObserver<HashResponse> responses) {
        if (refusedAdmin(responses)) {
            return;
        }
        pipeline.submit(s -> HashResponse.newBuilder()
                .setHeader(headers.at(s.kv().revision()))
                .setHash(KeyspaceHash.hash(s.kv(), s.leases()))
                .build()).whenComplete(Replies.later(responses, r -> r));
    }

    @Override
    public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> responses) {
        if (refusedAdmin(responses)) {
            return;
        }
        pipeline.submit(s -> KeyspaceHash.hashKv(s.kv(), request.getRevision()))
                .whenComplete(Replies.later(responses, h -> HashKVResponse.newBuilder()
                        .setHeader(headers.at(h.currentRevision()))
                        .setHash(h.hash())
                        .setCompactRevision(h.compactRevision())
                        .build()));
    }

    @Override
    public void moveLeader(MoveLeaderRequest request, StreamObserver<MoveLeaderResponse> responses) {
        Replies.now(responses, () -> {
            if (request.getTargetID() != headers.memberId()) {
                throw EtcdError.badLeaderTransferee();
            }
            return MoveLeaderResponse.getDefaultInstance();
        });
    }

    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> responses) {
        SnapshotSender sender = new SnapshotSender((ServerCallStreamObserver<SnapshotResponse>) responses,
                SNAPSHOT_CHUNK_BYTES);
        Status refusal = adminRefusal();
        if (refusal != null) {
            sender.fail(refusal);
            return;
        }
        Path file;
        try {
            file = Files.createTempFile(exportDir, "export-", ".tmp");
        } catch (IOException e) {
            sender.fail(Status.UNAVAILABLE.withDescription("baton: cannot create a snapshot file in " + exportDir
                    + ": " + e.getMessage()));
            return;
        }
        pipeline.submit(s -> {
            try {
                WriteAheadLog.exportSnapshot(file, headers.memberId(), journal.lastIndex(), s);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write snapshot file " + file + ": " + e.getMessage(), e);
            }
            return file;
        }).whenComplete((written, failure) -> {
            if (failure != null) {
                sender.fail(Replies.status(failure));
                SnapshotSender.deleteQuietly(file);
            } else {
                sender.send(written);
            }
        });
    }
}
