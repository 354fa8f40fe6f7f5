package dev.baton.alloc;

import dev.baton.alloc.AllocatorKeyspace.KeyKind;
import java.nio.charset.StandardCharsets;

/**
 * A decoded key of the allocator's keyspace, as its caches hold it. Decoding fails (and the key
 * becomes a visible decode error, never a dropped one) for a malformed key or a value that is
 * not the JSON its kind requires; an assignment's status is free-form text and always decodes.
 */
sealed interface StoredRecord {

    /** An item key: the item and its desired replicas. */
    record ItemRecord(Item item) implements StoredRecord {
    }

    /** A member key: the member's zone, capacity and exiting flag. */
    record MemberRecord(Member member) implements StoredRecord {
    }

    /** An assignment key with the status its member last wrote (empty until it writes one). */
    record AssignmentRecord(Assignment assignment, String status) implements StoredRecord {
    }

    /** A leader candidate of the allocator's election; the allocator does not interpret it. */
    record CandidateRecord() implements StoredRecord {
    }

    /** Decodes {@code value} stored under {@code key} in {@code keyspace}. */
    static StoredRecord decode(AllocatorKeyspace keyspace, String key, byte[] value) {
        KeyKind kind = keyspace.parse(key);
        if (kind instanceof KeyKind.ItemKey k) {
            return new ItemRecord(StoredValues.decodeItem(k.id(), value));
        }
        if (kind instanceof KeyKind.MemberKey k) {
            return new MemberRecord(StoredValues.decodeMember(k.id(), value));
        }
        if (kind instanceof KeyKind.AssignmentKey k) {
            return new AssignmentRecord(k.assignment(), new String(value, StandardCharsets.UTF_8));
        }
        if (kind instanceof KeyKind.ElectionKey) {
            return new CandidateRecord();
        }
        KeyKind.Malformed malformed = (KeyKind.Malformed) kind;
        throw new IllegalArgumentException("malformed allocator key '" + malformed.key() + "': " + malformed.reason());
    }
}
