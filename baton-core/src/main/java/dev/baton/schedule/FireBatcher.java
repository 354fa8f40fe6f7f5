package dev.baton.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeSet;

/**
 * Which of the leader's pending fires leave together, and when. The next fires of up to
 * {@value #MAX_FIRES_PER_TXN} schedules go out in one transaction, earliest fire time first, and
 * up to {@value #MAX_IN_FLIGHT} transactions are in flight.
 *
 * <p><b>Claim windows.</b> A task written ahead becomes claimable at its fire time, and at that
 * instant every member claims the tasks of all the schedules that fire then. The leader's
 * writes of later fire times would queue in the store with those claims, so for
 * {@link #CLAIM_WINDOW} after each fire time whose task it wrote ahead, it sends nothing but
 * fires that are due by the window's end: the store is the members'. Each fire time holds the
 * writes once; the caller waits the hold out ({@link #hold()}).
 *
 * <p>Knows no store: the caller sends what {@link #next} returns and gives back the fires with
 * times left; one batcher serves a leadership term, so the windows of the fire times written in
 * one pass hold the writes of the next. Time comes from the clock it is given. Not thread-safe.
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
    /** How long after a fire time the members have the store to claim its tasks: the fire-time lag's goal. */
    static final Duration CLAIM_WINDOW = Duration.ofMillis(100);

    /** The fires of one timed schedule still to write, oldest first; written in order, one at a time. */
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

    private final Clock clock;
    private final Duration claimWindow;
    private final PriorityQueue<Pending> queue = new PriorityQueue<>(
            Comparator.comparing(Pending::next).thenComparing(fire -> fire.schedule.name()));
    /** Fire times whose tasks were sent ahead and whose claim window has not been waited out. */
    private final TreeSet<Instant> claimable = new TreeSet<>();

    FireBatcher(Clock clock, Duration claimWindow) {
        if (claimWindow.isNegative()) {
            throw new IllegalArgumentException("claim window must be >= 0, got " + claimWindow);
        }
        this.clock = clock;
        this.claimWindow = claimWindow;
    }

    /** Queues the next fires of one schedule (again, after its last fire was written). */
    void add(Pending fires) {
        queue.add(fires);
    }

    /**
     * Drops the queued fires, keeping the claim windows: what a failed write left is decided
     * again from what the store holds.
     */
    void clear() {
        queue.clear();
    }

    /** True when no fire waits to be sent. */
    boolean isEmpty() {
        return queue.isEmpty();
    }

    /**
     * The fires to send now in one transaction, with {@code inFlight} transactions on their way:
     * the queue's earliest, as many as fit one transaction; none when the queue is empty,
     * {@value #MAX_IN_FLIGHT} are in flight, or a claim window holds the earliest.
     */
    List<Pending> next(int inFlight) {
        List<Pending> batch = new ArrayList<>();
        if (inFlight >= MAX_IN_FLIGHT) {
            return batch;
        }
        Instant now = clock.instant();
        Instant heldUntil = heldUntil(now);
        long bytes = 0;
        while (!queue.isEmpty() && batch.size() < MAX_FIRES_PER_TXN) {
            Pending head = queue.peek();
            if (heldUntil != null && head.next().isAfter(heldUntil)
                    || !batch.isEmpty() && bytes + head.bytes() > MAX_TXN_BYTES) {
                break;
            }
            batch.add(queue.poll());
            bytes += head.bytes();
            if (head.withTask && head.next().isAfter(now)) {
                claimable.add(head.next());
            }
        }
        return batch;
    }

    /**
     * How long the writes are held by a claim window now (zero when they are not); the caller
     * waits that long, and the window holds nothing after.
     */
    Duration hold() {
        Instant now = clock.instant();
        Instant heldUntil = heldUntil(now);
        claimable.headSet(now, true).clear();
        return heldUntil == null ? Duration.ZERO : Duration.between(now, heldUntil);
    }

    /** The end of the claim window {@code now} is in, or null; forgets windows that ended. */
    private Instant heldUntil(Instant now) {
        Instant fire = claimable.floor(now);
        if (fire == null) {
            return null;
        }
        Instant end = fire.plus(claimWindow);
        if (!end.isAfter(now)) {
            claimable.headSet(now, true).clear();
            return null;
        }
        return end;
    }
}
