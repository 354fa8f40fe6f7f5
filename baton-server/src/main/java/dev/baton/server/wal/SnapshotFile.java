package dev.baton.server.wal;

import dev.baton.server.store.AuthData;
import dev.baton.server.store.KeyRevision;
import dev.baton.server.store.StoreState;
import io.etcd.jetcd.api.AlarmMember;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * A snapshot: the whole state after a given log record, as a magic number, a format version,
 * the member ID, the record number, the state's parts in tagged sections, and a CRC-32C of all
 * of it.
 */
final class SnapshotFile {
    private static final byte[] MAGIC = "BATONSNP".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT = 1;
    private static final int END = 0;
    private static final int HEADER = 1;
    private static final int LEASE = 2;
    private static final int COMPACTED = 3;
    private static final int CHANGE = 4;
    private static final int ALARM = 5;
    /** The auth state; a snapshot without it (written before auth existed) has {@link AuthData#INITIAL}. */
    private static final int AUTH = 6;

    /** What a snapshot says besides the state it restores. */
    record Identity(long memberId, long index) {
    }

    private SnapshotFile() {
    }

    static void write(Path file, long memberId, long index, StoreState state, boolean fsync) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream raw = Channels.newOutputStream(channel);
            CheckedOutputStream checked = new CheckedOutputStream(raw, new CRC32C());
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(checked, 1 << 16));
            out.write(MAGIC);
            out.writeInt(FORMAT);
            out.writeLong(memberId);
            out.writeLong(index);
            try {
                state.writeSnapshot(new StoreState.SnapshotSink() {
                    @Override
                    public void header(long revision, long compactRevision) {
                        io(() -> {
                            out.writeByte(HEADER);
                            out.writeLong(revision);
                            out.writeLong(compactRevision);
                        });
                    }

                    @Override
                    public void lease(long id, long ttlSeconds) {
                        io(() -> {
                            out.writeByte(LEASE);
                            out.writeLong(id);
                            out.writeLong(ttlSeconds);
                        });
                    }

                    @Override
                    public void alarm(long memberId, int alarm) {
                        io(() -> {
                            out.writeByte(ALARM);
                            out.writeLong(memberId);
                            out.writeInt(alarm);
                        });
                    }

                    @Override
                    public void auth(AuthData auth) {
                        io(() -> {
                            out.writeByte(AUTH);
                            EffectCodec.writeAuth(out, auth);
                        });
                    }

                    @Override
                    public void compactedRevision(KeyRevision revision) {
                        io(() -> {
                            out.writeByte(COMPACTED);
                            EffectCodec.writeKeyRevision(out, revision);
                        });
                    }

                    @Override
                    public void change(KeyRevision change) {
                        io(() -> {
                            out.writeByte(CHANGE);
                            EffectCodec.writeKeyRevision(out, change);
                        });
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            out.writeByte(END);
            out.flush();
            out.writeInt((int) checked.getChecksum().getValue());
            out.flush();
            if (fsync) {
                channel.force(true);
            }
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void io(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Restores {@code state} (fresh) from {@code file}. */
    static Identity read(Path file, StoreState state) throws DataDirectoryException {
        try (InputStream raw = Files.newInputStream(file)) {
            return read(raw, file, state, false);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot read snapshot " + file + " (damaged or unreadable): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Restores {@code state} (fresh) from {@code raw}, the whole contents of a snapshot read from
     * {@code file}, followed by zero bytes when {@code zeroPadded}.
     */
    static Identity read(InputStream raw, Path file, StoreState state, boolean zeroPadded)
            throws DataDirectoryException {
        try {
            CheckedInputStream checked = new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), new CRC32C());
            DataInputStream in = new DataInputStream(checked);
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw corrupt(file, "it is not a snapshot (bad magic number)", null);
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw corrupt(file, "unknown snapshot format " + format, null);
            }
            long memberId = in.readLong();
            long index = in.readLong();
            long revision = 1;
            long compactRevision = 0;
            List<long[]> leases = new ArrayList<>();
            List<AlarmMember> alarms = new ArrayList<>();
            AuthData auth = AuthData.INITIAL;
            List<KeyRevision> compacted = new ArrayList<>();
            List<KeyRevision> changes = new ArrayList<>();
            while (true) {
                int tag = in.readUnsignedByte();
                if (tag == END) {
                    break;
                }
                switch (tag) {
                    case HEADER -> {
                        revision = in.readLong();
                        compactRevision = in.readLong();
                    }
                    case LEASE -> leases.add(new long[] {in.readLong(), in.readLong()});
                    case ALARM -> alarms.add(AlarmMember.newBuilder().setMemberID(in.readLong())
                            .setAlarmValue(in.readInt()).build());
                    case AUTH -> auth = EffectCodec.readAuth(in);
                    case COMPACTED -> compacted.add(EffectCodec.readKeyRevision(in));
                    case CHANGE -> changes.add(EffectCodec.readKeyRevision(in));
                    default -> throw corrupt(file, "unknown section tag " + tag, null);
                }
            }
            int expected = (int) checked.getChecksum().getValue();
            int stored = in.readInt();
            if (stored != expected) {
                throw corrupt(file, "its checksum does not match its contents", null);
            }
            for (int b = in.read(); b != -1; b = in.read()) {
                if (b != 0 || !zeroPadded) {
                    throw corrupt(file, "bytes follow its checksum", null);
                }
            }
            state.restore(revision, compactRevision, leases, alarms, auth, compacted, changes);
            return new Identity(memberId, index);
        } catch (EOFException e) {
            throw corrupt(file, "it ends early", e);
        } catch (DataDirectoryException e) {
            throw e;
        } catch (IOException e) {
            throw new DataDirectoryException("cannot read snapshot " + file + " (damaged or unreadable): "
                    + e.getMessage(), e);
        }
    }

    private static DataDirectoryException corrupt(Path file, String why, Throwable cause) {
        return new DataDirectoryException("snapshot " + file + " is damaged: " + why, cause);
    }
}
