package dev.baton.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import java.nio.charset.StandardCharsets;

/** The transaction {@link Guard}s Baton writes, on UTF-8 keys. */
public final class Compares {
    private Compares() {
    }

    /** Holds while {@code key} exists with exactly this create revision: the fencing compare of an owner. */
    public static Guard createRevisionIs(String key, long createRevision) {
        return new Guard(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision)));
    }

    /** Holds while {@code key} does not exist. */
    public static Guard absent(String key) {
        return new Guard(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.createRevision(0)));
    }

    /** Holds while {@code key} exists. */
    public static Guard present(String key) {
        return new Guard(new Cmp(bytes(key), Cmp.Op.GREATER, CmpTarget.createRevision(0)));
    }

    /** Holds while {@code key} was last modified at exactly {@code modRevision} (0: absent). */
    public static Guard modRevisionIs(String key, long modRevision) {
        return new Guard(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)));
    }

    /** Holds while {@code key} exists with exactly this value. */
    public static Guard valueIs(String key, byte[] value) {
        return new Guard(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(value))));
    }

    /** Holds while {@code key} exists with exactly this value as UTF-8, as {@link #valueIs(String, byte[])} does. */
    public static Guard valueIs(String key, String value) {
        return valueIs(key, value.getBytes(StandardCharsets.UTF_8));
    }

    static ByteSequence bytes(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }
}
