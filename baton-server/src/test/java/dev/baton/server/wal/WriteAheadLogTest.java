package dev.baton.server.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.baton.server.store.StoreState;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery of a data directory: restarts, snapshots, crash leftovers, damage and locking. */
class WriteAheadLogTest {
    @TempDir
    Path dir;

    private final AtomicLong ids = new AtomicLong(1000);

    private StoreState fresh() {
        return new StoreState(System::nanoTime, ids::incrementAndGet);
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static PutRequest put(String key, String value) {
        return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
    }

    private static RangeResponse all(StoreState state) {
        return state.range(RangeRequest.newBuilder().setKey(bytes("\0")).setRangeEnd(bytes("\0")).build());
    }

    /** What the server's writer does after each write: journal its effects, sync, publish. */
    private static void journal(StoreState state, Journal wal) {
        try {
            List<dev.baton.server.store.Effect> effects = state.takeEffects();
            if (!effects.isEmpty()) {
                wal.append(effects);
            }
            wal.sync();
            state.publish();
            if (wal.snapshotDue()) {
                wal.snapshot(state);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private StoreState reopen() throws IOException {
        StoreState state = fresh();
        WriteAheadLog.open(dir, state, true, Long.MAX_VALUE).close();
        return state;
    }

    /** The records {@link #writeHistory} writes, each its own batch: a lease, 52 writes, a compaction. */
    private static final int HISTORY_RECORDS = 54;

    private void writeHistory(long snapshotThreshold) throws IOException {
        StoreState state = fresh();
        try (WriteAheadLog wal = WriteAheadLog.open(dir, state, true, snapshotThreshold)) {
            state.grantLease(LeaseGrantRequest.newBuilder().setID(7).setTTL(30).build());
            journal(state, wal);
            for (int i = 0; i < 50; i++) {
                state.put(put("k" + (i % 10), "v" + i));
                journal(state, wal);
            }
            state.put(put("leased", "x").toBuilder().setLease(7).build());
            journal(state, wal);
            state.deleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k3")).build());
            journal(state, wal);
            state.compact(CompactionRequest.newBuilder().setRevision(40).build());
            journal(state, wal);
        }
    }

    @Test
    void aRestartRecoversKeysRevisionLeasesAndCompaction() throws IOException {
        writeHistory(Long.MAX_VALUE);
        StoreState state = reopen();
        RangeResponse all = all(state);
        assertThat(all.getHeader().getRevision()).isEqualTo(53);
        assertThat(all.getCount()).isEqualTo(10);
        assertThat(state.leases().get(7).keys()).containsExactly(bytes("leased"));
        assertThat(state.kv().compactRevision()).isEqualTo(40);
        assertThat(state.range(RangeRequest.newBuilder().setKey(bytes("k9")).build()).getKvs(0).getVersion())
                .isEqualTo(5);
    }

    @Test
    void snapshotsTrimTheLogAndRecoverTheSameState() throws IOException {
        writeHistory(300);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".snap")).count()).isEqualTo(1);
        }
        StoreState state = reopen();
        assertThat(all(state).getHeader().getRevision()).isEqualTo(53);
        assertThat(all(state).getKvsList()).hasSize(10);
        assertThat(state.leases().get(7).keys()).containsExactly(bytes("leased"));
    }

    private Path lastSegment() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("wal-")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
    }

    /** The offset one past the last byte of {@code file} that is not zero: the end of its last record. */
    private static int endOfRecords(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return end;
    }

    /** After its last record (the compaction) is damaged as {@code damage} says, the log recovers without it. */
    private void assertTheLastRecordIsDropped(LogDamage damage) throws IOException {
        writeHistory(Long.MAX_VALUE);
        Path segment = lastSegment();
        int end = endOfRecords(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            damage.apply(channel, end);
        }
        StoreState state = reopen();
        assertThat(state.kv().compactRevision()).as("never compacted").isEqualTo(-1);
        assertThat(all(state).getHeader().getRevision()).isEqualTo(53);
        assertThat(endOfRecords(segment)).isLessThan(end - 5);
        assertThat(reopen().kv().revision()).isEqualTo(53);
    }

    /** Damage done to a log file whose records end at {@code end}. */
    private interface LogDamage {
        void apply(FileChannel channel, int end) throws IOException;
    }

    @Test
    void aRecordTornByACrashIsDropped() throws IOException {
        assertTheLastRecordIsDropped((channel, end) -> channel.write(java.nio.ByteBuffer.allocate(5), end - 5));
    }

    @Test
    void aRecordCutShortAtTheEndOfTheFileIsDropped() throws IOException {
        assertTheLastRecordIsDropped((channel, end) -> channel.truncate(end - 5));
    }

    /** The offsets where the records of {@code file} start, and last the offset where they end. */
    private static List<Integer> frameOffsets(Path file) throws IOException {
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(Files.readAllBytes(file));
        List<Integer> offsets = new java.util.ArrayList<>();
        int at = 0;
        while (at + LogRecords.FRAME_HEADER_BYTES <= bytes.limit() && bytes.getInt(at) > 0) {
            offsets.add(at);
            at += LogRecords.FRAME_HEADER_BYTES + bytes.getInt(at);
        }
        offsets.add(at);
        return offsets;
    }

    /** Writes {@code puts} puts of 200-byte values as one batch: appended one by one, synced once. */
    private void writeOneBatch(int puts) throws IOException {
        StoreState state = fresh();
        try (WriteAheadLog wal = WriteAheadLog.open(dir, state, true, Long.MAX_VALUE)) {
            for (int i = 0; i < puts; i++) {
                state.put(put("batch/" + i, "x".repeat(200)));
                wal.append(state.takeEffects());
            }
            wal.sync();
        }
    }

    private static void zero(Path file, long from, int bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.allocate(bytes), from);
        }
    }

    @Test
    void aBatchWhoseFirstSectorNeverReachedTheDiskIsCutOffWithTheIntactRecordsAfterIt() throws IOException {
        writeHistory(Long.MAX_VALUE);
        int batchStart = frameOffsets(lastSegment()).get(HISTORY_RECORDS);
        writeOneBatch(10);
        Path segment = lastSegment();
        List<Integer> frames = frameOffsets(segment);
        assertThat(frames).hasSize(HISTORY_RECORDS + 10 + 1);
        int firstSectorEnd = ((batchStart + LogRecords.FRAME_HEADER_BYTES) / 512 + 1) * 512;
        zero(segment, batchStart, firstSectorEnd - batchStart);
        assertThat(frames.get(frames.size() - 2)).as("the batch's last record lies beyond its first sector")
                .isGreaterThan(firstSectorEnd);

        StoreState state = reopen();
        assertThat(all(state).getHeader().getRevision()).isEqualTo(53);
        assertThat(state.range(RangeRequest.newBuilder().setKey(bytes("batch/9")).build()).getCount()).isZero();
        assertThat(Files.size(segment)).as("cut where the batch began").isEqualTo(batchStart);
        assertThat(reopen().kv().revision()).isEqualTo(53);
    }

    @Test
    void aBatchTornInTheMiddleKeepsTheWholeRecordsBeforeTheGap() throws IOException {
        writeHistory(Long.MAX_VALUE);
        writeOneBatch(10);
        Path segment = lastSegment();
        List<Integer> frames = frameOffsets(segment);
        int gap = frames.get(HISTORY_RECORDS + 4) + LogRecords.FRAME_HEADER_BYTES + 20;
        zero(segment, gap, 512);

        StoreState state = reopen();
        assertThat(all(state).getHeader().getRevision()).as("the batch's first four puts").isEqualTo(57);
        assertThat(Files.size(segment)).isEqualTo((long) frames.get(HISTORY_RECORDS + 4));
    }

    @Test
    void aZeroRecordHeaderFollowedByLaterBatchesStopsStartUp() throws IOException {
        writeHistory(Long.MAX_VALUE);
        Path segment = lastSegment();
        List<Integer> frames = frameOffsets(segment);
        zero(segment, frames.get(20), LogRecords.FRAME_HEADER_BYTES);
        assertThatThrownBy(this::reopen)
                .isInstanceOf(DataDirectoryException.class)
                .hasMessageContaining(segment + " is damaged at offset " + frames.get(20) + ": invalid record length 0")
                .hasMessageContaining("record 22 at offset " + frames.get(21) + " was written with a later batch")
                .hasMessageContaining("so record 21 was acknowledged");
        assertThat(Files.size(segment)).as("nothing cut").isEqualTo(WriteAheadLog.PREALLOCATION_BYTES);
    }

    @Test
    void theLogIsWrittenOverZerosAllocatedAheadAndContinuedAfterARestart() throws IOException {
        writeHistory(Long.MAX_VALUE);
        Path segment = lastSegment();
        assertThat(Files.size(segment)).isEqualTo(WriteAheadLog.PREALLOCATION_BYTES);
        StoreState state = fresh();
        try (WriteAheadLog wal = WriteAheadLog.open(dir, state, true, Long.MAX_VALUE)) {
            long records = endOfRecords(segment);
            long others;
            try (Stream<Path> files = Files.list(dir)) {
                others = files.filter(f -> !f.equals(segment)).mapToLong(f -> f.toFile().length()).sum();
            }
            assertThat(wal.sizeOnDisk()).as("the directory's size leaves out the unused zeros")
                    .isEqualTo(others + records);
            state.put(put("after", "restart"));
            journal(state, wal);
        }
        StoreState again = reopen();
        assertThat(all(again).getHeader().getRevision()).isEqualTo(54);
        assertThat(again.range(RangeRequest.newBuilder().setKey(bytes("after")).build()).getCount()).isEqualTo(1);
        assertThat(Files.size(segment)).isEqualTo(WriteAheadLog.PREALLOCATION_BYTES);
    }

    @Test
    void damageInsideTheLogStopsStartUpNamingTheFileAndOffset() throws IOException {
        writeHistory(Long.MAX_VALUE);
        Path segment = lastSegment();
        flipByte(segment, 100);
        assertThatThrownBy(this::reopen)
                .isInstanceOf(DataDirectoryException.class)
                .hasMessageContaining(segment.toString())
                .hasMessageContaining("damaged at offset");
    }

    @Test
    void aDamagedSnapshotStopsStartUpNamingTheFile() throws IOException {
        writeHistory(300);
        Path snapshot;
        try (Stream<Path> files = Files.list(dir)) {
            snapshot = files.filter(f -> f.toString().endsWith(".snap")).findFirst().orElseThrow();
        }
        flipByte(snapshot, (int) Files.size(snapshot) / 2);
        assertThatThrownBy(this::reopen)
                .isInstanceOf(DataDirectoryException.class)
                .hasMessageContaining(snapshot.toString())
                .hasMessageContaining("damaged");
    }

    private static void flipByte(Path file, int offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[offset] ^= 0x5a;
        Files.write(file, bytes);
    }

    @Test
    void aSecondServerOnTheSameDirectoryIsRefused() throws IOException {
        try (WriteAheadLog first = WriteAheadLog.open(dir, fresh(), true, Long.MAX_VALUE)) {
            assertThatThrownBy(() -> WriteAheadLog.open(dir, fresh(), true, Long.MAX_VALUE))
                    .isInstanceOf(DataDirectoryException.class)
                    .hasMessageContaining("is in use by another server")
                    .hasMessageContaining(dir.resolve("LOCK").toString());
        }
        WriteAheadLog.open(dir, fresh(), true, Long.MAX_VALUE).close();
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Path inside = file.resolve("data");
        assertThatThrownBy(() -> WriteAheadLog.open(inside, fresh(), true, Long.MAX_VALUE))
                .isInstanceOf(DataDirectoryException.class)
                .hasMessageContaining("cannot create data directory " + inside);
    }

    @Test
    void logFilesWithoutASnapshotAreRefused() throws IOException {
        writeHistory(Long.MAX_VALUE);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path snapshot : files.filter(f -> f.toString().endsWith(".snap")).toList()) {
                Files.delete(snapshot);
            }
        }
        assertThatThrownBy(this::reopen).isInstanceOf(DataDirectoryException.class)
                .hasMessageContaining("holds log files but no snapshot");
    }

    @Test
    void recordsDiscardedAfterAFailedSyncAreNeverReplayedAndTheLogGoesOnAfterThem() throws IOException {
        StoreState state = fresh();
        try (WriteAheadLog wal = WriteAheadLog.open(dir, state, true, Long.MAX_VALUE)) {
            state.put(put("kept", "1"));
            journal(state, wal);
            state.put(put("discarded", "1"));
            wal.append(state.takeEffects());
            state.rollBack();
            wal.discardUnsynced();
            state.put(put("after", "1"));
            journal(state, wal);
            assertThat(wal.lastIndex()).isEqualTo(2);
        }
        assertThat(all(reopen()).getKvsList()).extracting(kv -> kv.getKey().toStringUtf8() + "@" + kv.getModRevision())
                .containsExactly("after@3", "kept@2");
    }
}
