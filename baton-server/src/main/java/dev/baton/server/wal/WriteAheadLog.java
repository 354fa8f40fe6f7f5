package dev.baton.server.wal;

import dev.baton.server.store.Effect;
import dev.baton.server.store.StoreState;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal of a data directory (layout and guarantees in the package documentation).
 *
 * <p>Appends are encoded into an in-memory batch; {@link #sync()} writes the batch with one
 * write and one force, which is the group commit. The log file is extended with zeros ahead of
 * its records, {@value #PREALLOCATION_BYTES} bytes at a time, so that a record is written over
 * space already allocated and written: forcing it then writes the data alone (what
 * {@code fdatasync} promises) instead of also committing the file system's journal for a new
 * size, which is the larger part of a force on an appended file. A snapshot is written to a
 * temporary file, forced, renamed into place and the directory forced before the log is cut, so
 * a crash at any point leaves a recoverable directory.
 */
public final class WriteAheadLog implements Journal {
    private static final Logger log = LoggerFactory.getLogger(WriteAheadLog.class);
    private static final String LOCK = "LOCK";
    /** How far the log file is extended with zeros ahead of its records at a time. */
    static final int PREALLOCATION_BYTES = 4 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(64 << 10).asReadOnlyBuffer();

    private final Path dir;
    private final boolean fsync;
    private final long snapshotThresholdBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final long memberId;
    private final LogRecords records = new LogRecords();
    private final Batch batch = new Batch();
    private final DataOutputStream batchOut = new DataOutputStream(batch);
    private FileChannel segment;
    private Path segmentPath;
    private long segmentFirstIndex;
    /** Where the next record goes in the current log file: the end of its records. */
    private long segmentPosition;
    /** The size of the current log file: its records, then zeros up to here. */
    private long segmentAllocated;
    /** Where the records of the last successful sync end in the current log file. */
    private long syncedPosition;
    private long lastIndex;
    /** The number of the first record in the batch being appended. */
    private long batchFirstIndex;
    /** The last record of the last successful sync. */
    private long syncedIndex;
    private long bytesSinceSnapshot;
    /** What {@link #sizeOnDisk()} answers: measured after recovery and each snapshot, grown by each sync. */
    private volatile long bytesOnDisk;
    private boolean unforced;
    private boolean closed;

    private WriteAheadLog(Path dir, boolean fsync, long snapshotThresholdBytes, FileChannel lockChannel,
            FileLock lock, long memberId) {
        this.dir = dir;
        this.fsync = fsync;
        this.snapshotThresholdBytes = snapshotThresholdBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.memberId = memberId;
    }

    /**
     * Locks {@code dir} (creating it when missing), restores {@code state} (fresh) from its
     * snapshot and log, and opens the log for appending.
     *
     * @throws DataDirectoryException when the directory is locked by another server, cannot be
     *     written, or holds damaged files; the message names the directory or file
     */
    public static WriteAheadLog open(Path dir, StoreState state, boolean fsync, long snapshotThresholdBytes)
            throws DataDirectoryException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot create data directory " + dir + ": " + describe(e), e);
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new DataDirectoryException("data directory " + dir + " is not a writable directory");
        }
        Path lockFile = dir.resolve(LOCK);
        FileChannel lockChannel;
        try {
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot write data directory " + dir + ": cannot open " + lockFile
                    + ": " + describe(e), e);
        }
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            lock = null;
        }
        if (lock == null) {
            closeQuietly(lockChannel);
            throw new DataDirectoryException("data directory " + dir + " is in use by another server (" + lockFile
                    + " is locked)");
        }
        try {
            WriteAheadLog wal = recover(dir, state, fsync, snapshotThresholdBytes, lockChannel, lock);
            wal.bytesOnDisk = wal.measure();
            return wal;
        } catch (DataDirectoryException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    private static WriteAheadLog recover(Path dir, StoreState state, boolean fsync, long threshold,
            FileChannel lockChannel, FileLock lock) throws DataDirectoryException {
        TreeMap<Long, Path> snapshots = new TreeMap<>();
        TreeMap<Long, Path> segments = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(file);
                } else if (name.startsWith("snap-") && name.endsWith(".snap")) {
                    snapshots.put(parseIndex(file, "snap-", ".snap"), file);
                } else if (name.startsWith("wal-") && name.endsWith(".log")) {
                    segments.put(parseIndex(file, "wal-", ".log"), file);
                }
            }
        } catch (DataDirectoryException e) {
            throw e;
        } catch (IOException e) {
            throw new DataDirectoryException("cannot list data directory " + dir + ": " + describe(e), e);
        }

        if (snapshots.isEmpty()) {
            if (!segments.isEmpty()) {
                throw new DataDirectoryException("data directory " + dir + " holds log files but no snapshot: "
                        + segments.firstEntry().getValue() + " cannot be replayed");
            }
            long memberId = new SecureRandom().nextLong() & Long.MAX_VALUE;
            WriteAheadLog wal = new WriteAheadLog(dir, fsync, threshold, lockChannel, lock, memberId);
            try {
                wal.writeSnapshot(state);
                wal.openSegment(1);
            } catch (IOException e) {
                wal.close();
                throw new DataDirectoryException("cannot write data directory " + dir + ": " + describe(e), e);
            }
            log.info("initialised data directory {}", dir);
            return wal;
        }

        Path snapshotFile = snapshots.lastEntry().getValue();
        SnapshotFile.Identity identity = SnapshotFile.read(snapshotFile, state);
        WriteAheadLog wal = new WriteAheadLog(dir, fsync, threshold, lockChannel, lock, identity.memberId());
        LogReplay replay = new LogReplay(state, identity.index());
        List<Path> files = new ArrayList<>(segments.values());
        long recordsEnd = 0;
        for (int i = 0; i < files.size(); i++) {
            recordsEnd = replay.replay(files.get(i), i == files.size() - 1);
        }
        state.publish();
        wal.lastIndex = replay.lastIndex();
        try {
            if (!files.isEmpty() && segments.lastKey() <= wal.lastIndex + 1) {
                wal.reopenSegment(segments.lastEntry().getValue(), segments.lastKey(), recordsEnd);
            } else {
                wal.openSegment(wal.lastIndex + 1);
            }
        } catch (IOException e) {
            wal.close();
            throw new DataDirectoryException("cannot write data directory " + dir + ": " + describe(e), e);
        }
        log.info("recovered data directory {}: snapshot {}, {} log records after it, revision {}", dir,
                snapshotFile.getFileName(), wal.lastIndex - identity.index(), state.kv().revision());
        return wal;
    }

    /** The bytes of the SHA-256 checksum that ends a saved snapshot. */
    public static final int SAVED_CHECKSUM_BYTES = 32;
    /**
     * An exported snapshot is padded with zeros to a multiple of this, the smallest page size of
     * etcd's bbolt files: {@code etcdctl snapshot save} finds the checksum trailer by it.
     */
    static final int EXPORT_ALIGNMENT = 512;

    /**
     * Writes the whole of {@code state} to {@code file} (replaced when present) in the snapshot
     * format, padded with zeros to a multiple of 512 bytes: the file a restore expects, less its
     * checksum. Call on the writer thread.
     */
    public static void exportSnapshot(Path file, long memberId, long index, StoreState state) throws IOException {
        Files.deleteIfExists(file);
        SnapshotFile.write(file, memberId, index, state, false);
        long size = Files.size(file);
        int padding = (int) ((EXPORT_ALIGNMENT - size % EXPORT_ALIGNMENT) % EXPORT_ALIGNMENT);
        if (padding > 0) {
            Files.write(file, new byte[padding], StandardOpenOption.APPEND);
        }
    }

    /**
     * Makes {@code dir} (absent or empty) the data directory of a new member holding the state
     * saved in {@code saved}: a snapshot as the Snapshot call streams it, followed by the
     * SHA-256 of what precedes it.
     *
     * @throws DataDirectoryException naming the file or directory when the file is unreadable,
     *     fails its checksum or is not a snapshot, or the directory is not empty or not writable
     */
    public static void restore(Path saved, Path dir) throws DataDirectoryException {
        long size;
        try {
            size = Files.size(saved);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot read snapshot file " + saved + ": " + describe(e), e);
        }
        if (size <= SAVED_CHECKSUM_BYTES) {
            throw new DataDirectoryException("snapshot file " + saved + " is too short to be a snapshot (" + size
                    + " bytes)");
        }
        long body = size - SAVED_CHECKSUM_BYTES;
        try (InputStream in = Files.newInputStream(saved)) {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            InputStream content = new DigestInputStream(new BoundedInputStream(in, body), sha256);
            StoreState state = new StoreState(System::nanoTime, new SecureRandom()::nextLong);
            SnapshotFile.Identity identity = SnapshotFile.read(content, saved, state, true);
            content.transferTo(OutputStream.nullOutputStream());
            if (!MessageDigest.isEqual(sha256.digest(), in.readAllBytes())) {
                throw new DataDirectoryException("snapshot file " + saved + " fails its SHA-256 check: it is damaged");
            }
            createEmpty(dir);
            String name = snapshotName(identity.index());
            Path tmp = dir.resolve(name + ".tmp");
            long memberId = new SecureRandom().nextLong() & Long.MAX_VALUE;
            SnapshotFile.write(tmp, memberId, identity.index(), state, true);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
            log.info("restored snapshot {} into data directory {}: revision {}", saved, dir, state.kv().revision());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot restore snapshot file " + saved + " into " + dir + ": "
                    + describe(e), e);
        }
    }

    private static void createEmpty(Path dir) throws DataDirectoryException, IOException {
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new DataDirectoryException("cannot restore into " + dir + ": it is not a directory");
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                if (entries.iterator().hasNext()) {
                    throw new DataDirectoryException("cannot restore into data directory " + dir
                            + ": it is not empty");
                }
            }
        }
        Files.createDirectories(dir);
    }

    private static String snapshotName(long index) {
        return String.format("snap-%016x.snap", index);
    }

    /** The first {@code limit} bytes of a stream. */
    private static final class BoundedInputStream extends FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(buffer, offset, (int) Math.min(length, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }
    }

    private static long parseIndex(Path file, String prefix, String suffix) throws DataDirectoryException {
        String name = file.getFileName().toString();
        try {
            return Long.parseUnsignedLong(name.substring(prefix.length(), name.length() - suffix.length()), 16);
        } catch (NumberFormatException e) {
            throw new DataDirectoryException("unexpected file name in data directory: " + file, e);
        }
    }

    public long memberId() {
        return memberId;
    }

    @Override
    public void append(List<Effect> effects) throws IOException {
        if (batch.size() == 0) {
            batchFirstIndex = lastIndex + 1;
        }
        records.encode(lastIndex + 1, batchFirstIndex, effects, batchOut);
        lastIndex++;
    }

    @Override
    public void sync() throws IOException {
        if (batch.size() > 0) {
            preallocate(segmentPosition + batch.size());
            ByteBuffer buffer = batch.contents();
            while (buffer.hasRemaining()) {
                segmentPosition += segment.write(buffer, segmentPosition);
            }
            unforced = true;
        }
        if (fsync && unforced) {
            segment.force(false);
        }
        unforced = false;
        long written = segmentPosition - syncedPosition;
        bytesSinceSnapshot += written;
        bytesOnDisk += written;
        batch.reset();
        syncedPosition = segmentPosition;
        syncedIndex = lastIndex;
    }

    /**
     * Cuts the log file back to the end of the last synced record, so that a record the failed
     * sync wrote whole cannot be replayed, then extends it with zeros again and forces it: once
     * that succeeds, the log can grow and the next sync starts where the last good one ended.
     */
    @Override
    public void discardUnsynced() throws IOException {
        batch.reset();
        lastIndex = syncedIndex;
        segmentPosition = syncedPosition;
        unforced = false;
        segment.truncate(syncedPosition);
        segmentAllocated = syncedPosition;
        preallocate(syncedPosition + 1);
        if (fsync) {
            segment.force(false);
        }
        bytesOnDisk = measure();
    }

    /**
     * Extends the log file with zeros, {@value #PREALLOCATION_BYTES} bytes at a time, until it
     * holds {@code end} bytes. The zeros are forced with the records that follow them.
     */
    private void preallocate(long end) throws IOException {
        while (segmentAllocated < end) {
            long target = segmentAllocated + PREALLOCATION_BYTES;
            while (segmentAllocated < target) {
                ByteBuffer zeros = ZEROS.duplicate();
                zeros.limit((int) Math.min(zeros.capacity(), target - segmentAllocated));
                segmentAllocated += segment.write(zeros, segmentAllocated);
            }
        }
    }

    /** The records appended since the last sync, written out without copying. */
    private static final class Batch extends ByteArrayOutputStream {
        Batch() {
            super(1 << 16);
        }

        ByteBuffer contents() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }

    @Override
    public boolean snapshotDue() {
        return bytesSinceSnapshot >= snapshotThresholdBytes;
    }

    /**
     * Writes a snapshot, starts a new log file after it and deletes the files it replaces. A
     * failed attempt leaves the log as it was (still complete) and is retried only after as much
     * log again.
     */
    @Override
    public void snapshot(StoreState state) throws IOException {
        sync();
        bytesSinceSnapshot = 0;
        writeSnapshot(state);
        long first = lastIndex + 1;
        if (first != segmentFirstIndex) {
            FileChannel previous = segment;
            openSegment(first);
            closeQuietly(previous);
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                boolean oldSnapshot = name.startsWith("snap-") && name.endsWith(".snap")
                        && parseIndex(file, "snap-", ".snap") < lastIndex;
                boolean oldSegment = name.startsWith("wal-") && name.endsWith(".log")
                        && parseIndex(file, "wal-", ".log") < first;
                if (oldSnapshot || oldSegment) {
                    Files.deleteIfExists(file);
                }
            }
        }
        bytesOnDisk = measure();
        log.debug("snapshot at record {} written", lastIndex);
    }

    private void writeSnapshot(StoreState state) throws IOException {
        String name = snapshotName(lastIndex);
        Path tmp = dir.resolve(name + ".tmp");
        try {
            SnapshotFile.write(tmp, memberId, lastIndex, state, fsync);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        forceDirectory();
    }

    /** Opens (creating) the log file whose first record is {@code firstIndex} as the current one. */
    private void openSegment(long firstIndex) throws IOException {
        Path path = dir.resolve(String.format("wal-%016x.log", firstIndex));
        segment = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        segmentPath = path;
        segmentFirstIndex = firstIndex;
        segmentAllocated = segment.size();
        segmentPosition = segmentAllocated;
        syncedPosition = segmentPosition;
        syncedIndex = lastIndex;
        forceDirectory();
    }

    /** Continues the log file {@code file}, whose records end at {@code recordsEnd}. */
    private void reopenSegment(Path file, long firstIndex, long recordsEnd) throws IOException {
        segmentPath = file;
        segment = FileChannel.open(file, StandardOpenOption.WRITE);
        segmentFirstIndex = firstIndex;
        segmentPosition = recordsEnd;
        syncedPosition = recordsEnd;
        syncedIndex = lastIndex;
        segmentAllocated = segment.size();
    }

    private void forceDirectory() throws IOException {
        if (!fsync) {
            return;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    @Override
    public long lastIndex() {
        return lastIndex;
    }

    @Override
    public long sizeOnDisk() {
        return bytesOnDisk;
    }

    /** The size of the directory's files, without the zeros the log file has not used yet. */
    private long measure() {
        long total = segmentPosition - segmentAllocated;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                total += Files.size(file);
            }
        } catch (IOException e) {
            return total;
        }
        return total;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (segment != null) {
            try {
                sync();
            } catch (IOException e) {
                log.warn("could not sync {} on close: {}", segmentPath, describe(e));
            }
            closeQuietly(segment);
        }
        try {
            lock.release();
        } catch (IOException e) {
            log.debug("releasing the lock of {} failed: {}", dir, describe(e));
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            log.debug("close failed: {}", describe(e));
        }
    }

    static String describe(IOException e) {
        String type = e.getClass().getSimpleName();
        return e.getMessage() == null ? type : type + ": " + e.getMessage();
    }
}
