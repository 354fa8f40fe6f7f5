package dev.baton.server.wal;

import dev.baton.server.store.AuthData;
import dev.baton.server.store.Effect;
import dev.baton.server.store.KeyRevision;
import io.etcd.jetcd.api.Role;
import io.etcd.jetcd.api.User;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.SortedMap;
import java.util.TreeMap;

/** The binary form of effects and key revisions shared by log records and snapshots. */
final class EffectCodec {
    private static final int KEY_CHANGED = 1;
    private static final int LEASE_GRANTED = 2;
    private static final int LEASE_REVOKED = 3;
    private static final int COMPACTED = 4;
    private static final int ALARM_CHANGED = 5;
    private static final int AUTH_CHANGED = 6;
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
        } else if (effect instanceof Effect.AuthChanged changed) {
            out.writeByte(AUTH_CHANGED);
            writeAuth(out, changed.auth());
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
            case AUTH_CHANGED -> new Effect.AuthChanged(readAuth(in));
            default -> throw new IOException("unknown effect tag " + tag);
        };
    }

    /** The auth state: enabled, revision, then each user and each role as its protobuf encoding. */
    static void writeAuth(DataOutput out, AuthData auth) throws IOException {
        out.writeBoolean(auth.enabled());
        out.writeLong(auth.revision());
        out.writeInt(auth.users().size());
        for (User user : auth.users().values()) {
            writeBytes(out, user.toByteArray());
        }
        out.writeInt(auth.roles().size());
        for (Role role : auth.roles().values()) {
            writeBytes(out, role.toByteArray());
        }
    }

    static AuthData readAuth(DataInput in) throws IOException {
        boolean enabled = in.readBoolean();
        long revision = in.readLong();
        SortedMap<String, User> users = new TreeMap<>();
        for (int i = readCount(in); i > 0; i--) {
            User user = User.parseFrom(readBytes(in));
            users.put(user.getName().toStringUtf8(), user);
        }
        SortedMap<String, Role> roles = new TreeMap<>();
        for (int i = readCount(in); i > 0; i--) {
            Role role = Role.parseFrom(readBytes(in));
            roles.put(role.getName().toStringUtf8(), role);
        }
        return new AuthData(enabled, revision, users, roles);
    }

    private static int readCount(DataInput in) throws IOException {
        int count = in.readInt();
        if (count < 0) {
            throw new IOException("negative count " + count);
        }
        return count;
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
