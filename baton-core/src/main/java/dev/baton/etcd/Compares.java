package dev.baton.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import java.nio.charset.StandardCharsets;

/** The transaction guards Baton writes, as jetcd {@link Cmp}s on UTF-8 keys. */
public final class Compares {
    private Compares() {
    }

    /** Holds while {@code key} exists with exactly this create revision: the fencing compare of an owner. */
    public static Cmp createRevisionIs(String key, long createRevision) {
        return new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision));
    }

    /** Holds while {@code key} does not exist. */
    public static Cmp absent(String key) {
        return new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.createRevision(0));
    }

    /** Holds while {@code key} exists. */
    public static Cmp present(String key) {
        return new Cmp(bytes(key), Cmp.Op.GREATER, CmpTarget.createRevision(0));
    }

    /** Holds while {@code key} was last modified at exactly {@code modRevision} (0: absent). */
    public static Cmp modRevisionIs(String key, long modRevision) {
        return new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision));
    }

    static ByteSequence bytes(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }
}
