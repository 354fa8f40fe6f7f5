package dev.baton.server;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.SnapshotResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a snapshot file as etcd's Snapshot call does: pieces with the bytes still to come, then
 * one last piece holding the SHA-256 of everything sent. Sends only while the client keeps up
 * (gRPC's readiness), deletes the file when done, failed or cancelled.
 */
final class SnapshotSender {
    private static final Logger log = LoggerFactory.getLogger(SnapshotSender.class);

    private final ServerCallStreamObserver<SnapshotResponse> call;
    private final int chunkBytes;
    private final MessageDigest sha256;
    private Path file;
    private FileChannel channel;
    private long size;
    private long sent;
    private boolean done;

    /** Must be created during the call's handler, before it returns. */
    SnapshotSender(ServerCallStreamObserver<SnapshotResponse> call, int chunkBytes) {
        this.call = call;
        this.chunkBytes = chunkBytes;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        call.setOnReadyHandler(this::drain);
        call.setOnCancelHandler(this::cancelled);
    }

    /** Starts sending {@code snapshot}, which this sender then owns. */
    synchronized void send(Path snapshot) {
        if (done) {
            deleteQuietly(snapshot);
            return;
        }
        try {
            file = snapshot;
            channel = FileChannel.open(snapshot, StandardOpenOption.READ);
            size = channel.size();
        } catch (IOException e) {
            fail(Status.UNAVAILABLE.withDescription("baton: cannot read snapshot file " + snapshot + ": "
                    + e.getMessage()));
            return;
        }
        drain();
    }

    synchronized void fail(Status status) {
        if (done) {
            return;
        }
        release();
        call.onError(status.asRuntimeException());
    }

    private synchronized void drain() {
        if (done || channel == null) {
            return;
        }
        try {
            while (call.isReady() && sent < size) {
                ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(chunkBytes, size - sent));
                while (chunk.hasRemaining()) {
                    if (channel.read(chunk, sent + chunk.position()) < 0) {
                        throw new IOException("snapshot file " + file + " ended early");
                    }
                }
                chunk.flip();
                sha256.update(chunk.duplicate());
                sent += chunk.remaining();
                call.onNext(SnapshotResponse.newBuilder()
                        .setRemainingBytes(size - sent)
                        .setBlob(ByteString.copyFrom(chunk))
                        .build());
            }
            if (sent == size) {
                call.onNext(SnapshotResponse.newBuilder().setBlob(ByteString.copyFrom(sha256.digest())).build());
                release();
                call.onCompleted();
            }
        } catch (IOException e) {
            fail(Status.UNAVAILABLE.withDescription("baton: cannot read snapshot file " + file + ": " + e.getMessage()));
        }
    }

    private synchronized void cancelled() {
        release();
    }

    private void release() {
        done = true;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing snapshot file {} failed", file, e);
            }
            channel = null;
        }
        if (file != null) {
            deleteQuietly(file);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot delete snapshot file {}: {}", file, e.getMessage());
        }
    }
}
