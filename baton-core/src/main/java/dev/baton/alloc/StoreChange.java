package dev.baton.alloc;

import java.util.List;

/**
 * One change to the allocator's keyspace that must land whole or not at all: the keys it relies
 * on, each at the mod revision the leader read, and the writes it makes.
 *
 * @param what   what the change does, for logs
 * @param guards the keys whose state the change was planned on
 * @param writes the writes, in order; no two touch the same key
 */
record StoreChange(String what, List<Guard> guards, List<Write> writes) {

    StoreChange {
        guards = List.copyOf(guards);
        writes = List.copyOf(writes);
    }

    /**
     * Holds while {@code key} was last modified at exactly {@code modRevision}; with 0, while the
     * key does not exist.
     */
    record Guard(String key, long modRevision) {
    }

    /** A put or a delete of one key. */
    sealed interface Write {
        String key();

        /** Puts {@code value} bound to {@code lease}. */
        record Put(String key, byte[] value, long lease) implements Write {
        }

        record Delete(String key) implements Write {
        }
    }
}
