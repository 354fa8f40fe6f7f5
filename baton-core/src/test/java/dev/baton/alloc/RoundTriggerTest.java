package dev.baton.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.alloc.StoredRecord.AssignmentRecord;
import dev.baton.alloc.StoredRecord.CandidateRecord;
import dev.baton.alloc.StoredRecord.ItemRecord;
import dev.baton.alloc.StoredRecord.MemberRecord;
import dev.baton.cache.CacheEvent;
import dev.baton.cache.CacheEvent.Kind;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoundTriggerTest {

    private static final AllocatorKeyspace KEYS = KeyspaceFixture.KEYS;
    private static final long SEEN = 100;

    private final RoundTrigger trigger = new RoundTrigger();

    private static CacheEvent<StoredRecord> event(Kind kind, String key, StoredRecord before, StoredRecord after,
                                                  long revision) {
        return new CacheEvent<>(kind, key, before, after, revision, null);
    }

    private static CacheEvent<StoredRecord> report(String item, long revision) {
        Assignment a = new Assignment(item, "m");
        return event(Kind.CHANGED, KEYS.assignment(a), new AssignmentRecord(a, ""), new AssignmentRecord(a, "ready"),
                revision);
    }

    @Test
    void aStatusReportOnAnItemNobodyWaitsForIsNoNews() {
        trigger.onEvent(report("x", SEEN + 1));

        assertThat(trigger.hasNews(SEEN, Set.of("y"))).isFalse();
        assertThat(trigger.hasNews(SEEN, Set.of("x"))).isTrue();
    }

    @Test
    void eventsTheRoundAlreadyPlannedFromAreNoNews() {
        trigger.onEvent(report("x", SEEN));
        trigger.onEvent(event(Kind.CHANGED, KEYS.item("x"), null, new ItemRecord(new Item("x", 2)), SEEN));

        assertThat(trigger.hasNews(SEEN, Set.of("x"))).isFalse();
    }

    @Test
    void anItemOrMemberWrittenOrAnAssignmentAddedOrRemovedIsNews() {
        Assignment a = new Assignment("x", "m");
        for (CacheEvent<StoredRecord> news : List.of(
                event(Kind.CHANGED, KEYS.item("x"), null, new ItemRecord(new Item("x", 2)), SEEN + 1),
                event(Kind.ADDED, KEYS.member("m"), null, new MemberRecord(new Member("m", "z", 3)), SEEN + 1),
                event(Kind.ADDED, KEYS.assignment(a), null, new AssignmentRecord(a, ""), SEEN + 1),
                event(Kind.REMOVED, KEYS.assignment(a), new AssignmentRecord(a, "ready"), null, SEEN + 1),
                event(Kind.RESYNCED, null, null, null, SEEN + 1))) {
            RoundTrigger fresh = new RoundTrigger();
            fresh.onEvent(news);
            assertThat(fresh.hasNews(SEEN, Set.of())).as(news.kind() + " " + news.key()).isTrue();
        }
    }

    @Test
    void electionCandidatesAreNoNews() {
        trigger.onEvent(event(Kind.ADDED, KEYS.root() + "leader/7", null, new CandidateRecord(), SEEN + 1));

        assertThat(trigger.hasNews(SEEN, Set.of("x"))).isFalse();
    }
}
