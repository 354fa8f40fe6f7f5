package dev.baton.schedule;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Which of the leader's pending fires leave together: the next fires of up to
 * {@value #MAX_FIRES_PER_TXN} schedules (and at most {@value #MAX_TXN_BYTES} bytes) go out in one
 * transaction, in the order the schedules were queued, and up to {@value #MAX_IN_FLIGHT}
 * transactions are in flight. One schedule is in at most one transaction at a time; its fires
 * are written in order, and the caller queues it again after each written fire that leaves
 * times to write. Knows no store. Not thread-safe.
 */
final class FireBatcher {
    /** How many fire transactions the leader keeps in flight. */
    static final int MAX_IN_FLIGHT = 8;
    /**
     * The most fires of different schedules in one transaction: etcd's default
     * {@code --max-txn-ops} is 128 compares, and a fire takes four besides the one fence.
     */
    static final int MAX_FIRES_PER_TXN = 31;
    /** What the fires of one transaction may add up to, well below etcd's default 1.5 MiB request limit. */
    static final int MAX_TXN_BYTES = 1024 * 1024;
    /** A fire's bytes besides its properties: keys, options, state, fire time and framing. */
    static final int FIRE_OVERHEAD_BYTES = 1024;

    /** The fires of one timed schedule still to write, oldest first. */
    static final class Pending {
        final Schedule schedule;
        final long defRevision;
        final Deque<Instant> times;
        final boolean withTask;
        long firedRevision;

        Pending(Schedule schedule, long defRevision, long firedRevision, List<Instant> times, boolean withTask) {
            if (times.isEmpty()) {
                throw new IllegalArgumentException("schedule \"" + schedule.name() + "\" has no fire time to write");
            }
            this.schedule = schedule;
            this.defRevision = defRevision;
            this.firedRevision = firedRevision;
            this.times = new ArrayDeque<>(times);
            this.withTask = withTask;
        }

        /** The fire time to write next. */
        Instant next() {
            return times.getFirst();
        }

        private long bytes() {
            return FIRE_OVERHEAD_BYTES + schedule.properties().json().length();
        }
    }

    private final Deque<Pending> queue = new ArrayDeque<>();

    /** Queues the next fires of one schedule (again, after its last fire was written). */
    void add(Pending fires) {
        queue.add(fires);
    }

    /** True when no fire waits to be sent. */
    boolean isEmpty() {
        return queue.isEmpty();
    }

    /**
     * The fires to send now in one transaction, with {@code inFlight} transactions on their way:
     * the queue's first, as many as fit one transaction; none when the queue is empty or
     * {@value #MAX_IN_FLIGHT} are in flight.
     */
    List<Pending> next(int inFlight) {
        List<Pending> batch = new ArrayList<>();
        if (inFlight >= MAX_IN_FLIGHT) {
            return batch;
        }
        long bytes = 0;
        while (!queue.isEmpty() && batch.size() < MAX_FIRES_PER_TXN) {
            long fireBytes = queue.peek().bytes();
            if (!batch.isEmpty() && bytes + fireBytes > MAX_TXN_BYTES) {
                break;
            }
            batch.add(queue.poll());
            bytes += fireBytes;
        }
        return batch;
    }
}
