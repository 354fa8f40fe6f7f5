package dev.baton.election;

import dev.baton.etcd.KeyValue;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Who leads and who waits for whom, decided from one snapshot of an election's candidates. The
 * leader is the candidate with the lowest create revision; every other candidate waits for the one
 * created just before it, so each deletion wakes exactly one waiter.
 */
final class CandidateOrder {
    private CandidateOrder() {
    }

    /** The candidate with the lowest create revision, when there is any. */
    static Optional<KeyValue> leader(Collection<KeyValue> candidates) {
        return candidates.stream().min(Comparator.comparingLong(KeyValue::createRevision));
    }

    /**
     * The candidate a candidate created at {@code token} waits for: the one with the highest create
     * revision below {@code token}. Empty when nobody was created before it, that is, when it leads.
     */
    static Optional<KeyValue> predecessor(Collection<KeyValue> candidates, long token) {
        return candidates.stream()
                .filter(candidate -> candidate.createRevision() < token)
                .max(Comparator.comparingLong(KeyValue::createRevision));
    }
}
