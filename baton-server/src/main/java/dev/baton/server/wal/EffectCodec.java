package dev.baton.server.wal;

import dev.baton.server.store.Effect;
import dev.baton.server.store.KeyRevision;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** The binary form of effects and key revisions shared by log records and snapshots. */
final class EffectCodec {
    private static final int KEY_CHANGED = 1;
    private static final int LEASE_GRANTED = 2;
    private static final int LEASE_REVOKED = 3;
    private static final int COMPACTED = 4;
    private static final int ALARM_CHANGED = 5;
    /** Keys and values are bounded by the request limit; anything larger is damage. */
    private static final int MAX_BYTES = 64 * 1024 * 1024;

    private EffectCodec() {
    }

    static void write(DataOutput out, Effect effect) throws IOException {
        if (effect instanceof Effect.KeyChanged changed) {
            out.writeByte(KEY_CHANGED);
            writeKeyRevision(out, changed.change());
        } else if (effect instanceof Effect.LeaseGranted granted) {
            out.writeByte(LEASE_GRANTED);
            out.writeLong(granted.id());
            out.writeLong(granted.ttlSeconds());
        } else if (effect instanceof Effect.LeaseRevoked revoked) {
            out.writeByte(LEASE_REVOKED);
            out.writeLong(revoked.id());
        } else if (effect instanceof Effect.Compacted compacted) {
            out.writeByte(COMPACTED);
            out.writeLong(compacted.revision());
        } else if (effect instanceof Effect.AlarmChanged alarm) {
            out.writeByte(ALARM_CHANGED);
            out.writeLong(alarm.memberId());
            out.writeInt(alarm.alarm());
            out.writeBoolean(alarm.raised());
        }
    }

    static Effect read(DataInput in) throws IOException {
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case KEY_CHANGED -> new Effect.KeyChanged(readKeyRevision(in));
            case LEASE_GRANTED -> new Effect.LeaseGranted(in.readLong(), in.readLong());
            case LEASE_REVOKED -> new Effect.LeaseRevoked(in.readLong());
            case COMPACTED -> new Effect.Compacted(in.readLong());
            case ALARM_CHANGED -> new Effect.AlarmChanged(in.readLong(), in.readInt(), in.readBoolean());
            default -> throw new IOException("unknown effect tag " + tag);
        };
    }

    static void writeKeyRevision(DataOutput out, KeyRevision r) throws IOException {
        writeBytes(out, r.key());
        writeBytes(out, r.value());
        out.writeLong(r.createRevision());
        out.writeLong(r.modRevision());
        out.writeLong(r.version());
        out.writeLong(r.lease());
    }

    static KeyRevision readKeyRevision(DataInput in) throws IOException {
        byte[] key = readBytes(in);
        byte[] value = readBytes(in);
        long create = in.readLong();
        long mod = in.readLong();
        long version = in.readLong();
        long lease = in.readLong();
        return create == 0 ? KeyRevision.tombstone(key, mod) : new KeyRevision(key, value, create, mod, version, lease);
    }

    private static void writeBytes(DataOutput out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_BYTES) {
            throw new IOException("invalid length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
