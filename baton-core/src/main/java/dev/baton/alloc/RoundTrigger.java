package dev.baton.alloc;

import dev.baton.alloc.StoredRecord.AssignmentRecord;
import dev.baton.alloc.StoredRecord.CandidateRecord;
import dev.baton.cache.CacheEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * When the leader's next round is worth running, from its cache's events.
 *
 * <p>A round that wrote runs the next one as soon as it has seen its own writes, without asking.
 * A round that wrote nothing waits here for news newer than the revision it planned from: a
 * change of an item, a member or the set of assignments (a member joining, leaving, losing its
 * lease, an item edited), or a status report on an item whose handoff waits for readiness. Status
 * reports on other items change nothing the planner would decide and wake nobody, so members
 * reporting thousands of replicas ready do not cost thousands of rounds. Election keys are not
 * the allocator's business.
 */
final class RoundTrigger {

    private long changedAt;
    private final Map<String, Long> reportedAt = new HashMap<>();

    synchronized void onEvent(CacheEvent<StoredRecord> event) {
        if (event.newValue() instanceof CandidateRecord || event.oldValue() instanceof CandidateRecord) {
            return;
        }
        if (event.kind() == CacheEvent.Kind.CHANGED && event.newValue() instanceof AssignmentRecord record
                && event.oldValue() instanceof AssignmentRecord) {
            reportedAt.merge(record.assignment().item(), event.modRevision(), Math::max);
        } else {
            changedAt = Math.max(changedAt, event.modRevision());
        }
        notifyAll();
    }

    /**
     * Waits until the cache has seen, after revision {@code seen}, a change of the keyspace's
     * shape or a status report on one of {@code awaited}.
     */
    synchronized void awaitNews(long seen, Set<String> awaited) throws InterruptedException {
        reportedAt.values().removeIf(revision -> revision <= seen);
        while (!hasNews(seen, awaited)) {
            wait();
        }
    }

    /** True when an event after revision {@code seen} is news for a round waiting on {@code awaited}. */
    synchronized boolean hasNews(long seen, Set<String> awaited) {
        if (changedAt > seen) {
            return true;
        }
        for (Map.Entry<String, Long> report : reportedAt.entrySet()) {
            if (report.getValue() > seen && awaited.contains(report.getKey())) {
                return true;
            }
        }
        return false;
    }
}
