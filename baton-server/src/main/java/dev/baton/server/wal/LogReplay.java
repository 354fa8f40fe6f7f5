package dev.baton.server.wal;

import dev.baton.server.store.Effect;
import dev.baton.server.store.StoreState;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up's replay of the log files that follow a snapshot into the store's state, record by
 * record in index order, telling the incomplete tail a crash leaves (cut off with a warning) from
 * damage (start-up stops, naming the file and offset).
 */
final class LogReplay {
    private static final Logger log = LoggerFactory.getLogger(LogReplay.class);

    private final StoreState state;
    private long lastIndex;

    /** A replay into {@code state}, restored from the snapshot of record {@code snapshotIndex}. */
    LogReplay(StoreState state, long snapshotIndex) {
        this.state = state;
        this.lastIndex = snapshotIndex;
    }

    /** The last record replayed (the snapshot's, before any). */
    long lastIndex() {
        return lastIndex;
    }

    /**
     * Replays the records of one log file that follow the snapshot, up to the zeros the file was
     * extended with. In the last file, a record that cannot be read is cut off with what follows
     * when nothing after it was written with a later batch (what a crash leaves, see
     * {@link #tornBatch}); any other damage is fatal.
     *
     * @return the offset where the file's records end
     */
    long replay(Path file, boolean last) throws DataDirectoryException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot read log file " + file + ": " + WriteAheadLog.describe(e), e);
        }
        long offset = 0;
        try (InputStream raw = Files.newInputStream(file)) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
            while (offset < size) {
                long left = size - offset;
                if (left < LogRecords.FRAME_HEADER_BYTES) {
                    if (restIsZero(in, left)) {
                        return offset;
                    }
                    tornTail(file, last, offset, size, "a record header is cut short");
                    return offset;
                }
                int length = in.readInt();
                int crc = in.readInt();
                if (length == 0 && crc == 0 && restIsZero(in, left - LogRecords.FRAME_HEADER_BYTES)) {
                    return offset;
                }
                if (length <= 0 || length > LogRecords.MAX_PAYLOAD_BYTES) {
                    tornBatch(file, last, offset, size, "invalid record length " + length);
                    return offset;
                }
                if (LogRecords.FRAME_HEADER_BYTES + (long) length > left) {
                    tornBatch(file, last, offset, size, "the last record is cut short");
                    return offset;
                }
                byte[] payload = new byte[length];
                in.readFully(payload);
                long end = offset + LogRecords.FRAME_HEADER_BYTES + length;
                if (!LogRecords.checksumMatches(payload, crc)) {
                    tornBatch(file, last, offset, size, "checksum mismatch");
                    return offset;
                }
                LogRecords.Record record;
                try {
                    record = LogRecords.decode(payload);
                } catch (IOException e) {
                    throw damaged(file, offset, e.getMessage(), e);
                }
                apply(file, offset, record);
                offset = end;
            }
            return offset;
        } catch (DataDirectoryException e) {
            throw e;
        } catch (EOFException e) {
            throw damaged(file, offset, "it ends early", e);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot read log file " + file + ": " + WriteAheadLog.describe(e), e);
        }
    }

    private void apply(Path file, long offset, LogRecords.Record record)
            throws DataDirectoryException {
        if (record.index() <= lastIndex) {
            return;
        }
        if (record.index() != lastIndex + 1) {
            throw damaged(file, offset, "record " + record.index() + " follows record " + lastIndex
                    + " (records are missing)", null);
        }
        for (Effect effect : record.effects()) {
            state.replay(effect);
        }
        lastIndex = record.index();
    }

    private static boolean restIsZero(DataInputStream in, long bytes) throws IOException {
        byte[] chunk = new byte[8192];
        for (long left = bytes; left > 0; ) {
            int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
            if (n < 0) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (chunk[i] != 0) {
                    return false;
                }
            }
            left -= n;
        }
        return true;
    }

    /**
     * A record at {@code offset} that cannot be read, with data after it. In the last log file
     * this is what a crash leaves when only some sectors of the last batch reached the disk (a
     * batch is written with one write, and its sectors may land in any order): the batch was never
     * forced, so none of its records was acknowledged, and it is cut off from the damaged record
     * on. If an intact record of a later batch follows, the damaged record's batch was forced
     * before that batch was written, so it was acknowledged: that is damage, and start-up stops.
     * (etcd takes a zero record length as the end of its log, whatever follows.)
     */
    private void tornBatch(Path file, boolean last, long offset, long size, String why)
            throws DataDirectoryException {
        if (!last) {
            throw damaged(file, offset, why, null);
        }
        LogRecords.Found later;
        try (InputStream rest = Files.newInputStream(file)) {
            rest.skipNBytes(offset);
            later = LogRecords.firstOfALaterBatch(ByteBuffer.wrap(rest.readNBytes(Math.toIntExact(size - offset))),
                    lastIndex + 1);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot read log file " + file + ": " + WriteAheadLog.describe(e), e);
        }
        if (later != null) {
            throw damaged(file, offset, why + ", and record " + later.index() + " at offset "
                    + (offset + later.offset()) + " was written with a later batch (from record "
                    + later.batchFirstIndex() + "), so record " + (lastIndex + 1) + " was acknowledged", null);
        }
        tornTail(file, true, offset, size, why + " in the last batch written, which never reached the disk whole");
    }

    private void tornTail(Path file, boolean last, long offset, long size, String why) throws DataDirectoryException {
        if (!last) {
            throw damaged(file, offset, why, null);
        }
        log.warn("log file {} ends with an incomplete record at offset {} ({}); dropping the {} bytes from"
                + " there, which were never acknowledged", file, offset, why, size - offset);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(offset);
            channel.force(true);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot truncate log file " + file + ": " + WriteAheadLog.describe(e), e);
        }
    }

    private static DataDirectoryException damaged(Path file, long offset, String why, Throwable cause) {
        return new DataDirectoryException("log file " + file + " is damaged at offset " + offset + ": " + why, cause);
    }
}
