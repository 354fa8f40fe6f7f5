package dev.baton.lock;

import dev.baton.etcd.KeyValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Who holds and who waits, decided from one snapshot of a lock's contenders. A contender created at
 * revision {@code token} is blocked by every contender created before it whose key starts with the
 * blocking prefix; it holds while fewer than {@code permits} of them remain. Contenders created later
 * never block it, so the order is fair: first created, first served.
 *
 * @param blockingPrefix the keys that can block: the whole lock for a mutex, a writer and a
 *                       semaphore permit; only the writers for a reader
 * @param permits        how many contenders hold at once: 1 for mutex and read-write lock, N for a semaphore
 */
record Admission(String blockingPrefix, int permits) {

    /** The contenders blocking {@code token}, oldest first. A loop: it runs on the path of every acquire. */
    List<KeyValue> blockers(Collection<KeyValue> contenders, long token) {
        List<KeyValue> blockers = new ArrayList<>();
        for (KeyValue contender : contenders) {
            if (contender.createRevision() < token && contender.key().startsWith(blockingPrefix)) {
                blockers.add(contender);
            }
        }
        blockers.sort(Comparator.comparingLong(KeyValue::createRevision));
        return Collections.unmodifiableList(blockers);
    }

    /** Whether a contender with {@code blockers} older blockers holds. */
    boolean holds(int blockers) {
        return blockers < permits;
    }

    /**
     * Whether a waiter watches only its nearest blocker (one deletion wakes one waiter, as etcd's
     * mutex does) or every deletion under the lock (with several permits any holder's release can
     * admit it).
     */
    boolean watchesNearestOnly() {
        return permits == 1;
    }
}
