package dev.baton.alloc;

import dev.baton.cache.CacheEntry;
import dev.baton.cache.DecodeError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the allocator's keyspace as a cache would hold it, for views without a store. Revisions
 * count up from 10 in call order unless given, so keys added earlier are older.
 */
final class KeyspaceFixture {

    static final AllocatorKeyspace KEYS = new AllocatorKeyspace("t/");

    private final List<CacheEntry<StoredRecord>> entries = new ArrayList<>();
    private final Map<String, DecodeError> errors = new LinkedHashMap<>();
    private long revision = 10;

    KeyspaceFixture item(String id, int replicas) {
        long rev = ++revision;
        entries.add(new CacheEntry<>(KEYS.item(id), new StoredRecord.ItemRecord(new Item(id, replicas)), rev, rev, 1, 0));
        return this;
    }

    KeyspaceFixture member(String id, String zone, int capacity, long lease) {
        return member(new Member(id, zone, capacity), lease);
    }

    KeyspaceFixture member(Member member, long lease) {
        long rev = ++revision;
        entries.add(new CacheEntry<>(KEYS.member(member.id()), new StoredRecord.MemberRecord(member), rev, rev, 1, lease));
        return this;
    }

    /** An assignment created now and last written with {@code status} now. */
    KeyspaceFixture assigned(String item, String member, long lease, String status) {
        long rev = ++revision;
        Assignment a = new Assignment(item, member);
        entries.add(new CacheEntry<>(KEYS.assignment(a), new StoredRecord.AssignmentRecord(a, status), rev, rev, 1, lease));
        return this;
    }

    KeyspaceFixture undecodable(String key) {
        long rev = ++revision;
        errors.put(key, new DecodeError(key, rev, 3, new IllegalArgumentException("bad value")));
        return this;
    }

    AllocatorView view() {
        return view(ReadinessCheck.statusEquals("ready"));
    }

    AllocatorView view(ReadinessCheck readiness) {
        return AllocatorView.of(revision, sorted(), errors, KEYS, readiness);
    }

    private List<CacheEntry<StoredRecord>> sorted() {
        List<CacheEntry<StoredRecord>> copy = new ArrayList<>(entries);
        copy.sort((a, b) -> a.key().compareTo(b.key()));
        return copy;
    }
}
