package dev.baton.chaos.check;

import dev.baton.chaos.history.ResourceSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * Checker 7: no process leaks. Every process sampled at the start of the judged stretch and again
 * at its end (the same pid: a restarted process starts afresh and is not judged) ends with its
 * live heap, threads and open file descriptors within 10 % of where they were, plus the
 * {@link Tolerance}'s absolute slack.
 *
 * <p>Two tolerances. {@link Tolerance#STEADY}, for the soak, whose samples are taken at a
 * plateau (after the first fault of every kind, a settle longer than the elastic pools' idle
 * time, and with a namespace that no longer grows): the plain 10 % of heap; one descriptor more,
 * so a count under ten is not held to nothing; 4 threads outside the pools, the one-off threads a
 * worker starts at its first outage of a kind (the facade's timer, jetcd's retry scheduler and
 * watch executor, the allocator member's timer), which a worker the first round's random choices
 * spared may start in the stretch; 8 threads in the elastic pools, whose size at any instant is the
 * concurrency of the last minute (seen to move by up to 10 between the two samples of one
 * worker). A leak per fault outgrows these within a few dozen faults, and a soak's stretch has
 * more. {@link Tolerance#shortRun}, for the short and long forms, whose first sample comes after a 5 s warm-up and whose last comes right
 * after the faults: 4 MiB of class caches; 6 threads outside the elastic pools (single threads
 * started on first use, some only at the first outage: the facade's timer, jetcd's retry
 * scheduler and watch executor, the allocator member's timer; docs/reliability.md lists them); 8
 * descriptors; and 1 KiB of heap for every key the namespace gained (every worker's cache, and the
 * embedded server, holds each key, about 530 bytes of heap apiece). A leak per fault outgrows
 * either. The elastic pools ({@link ResourceSample#isPoolThread}) are not judged there: they grow
 * with the calls an outage leaves waiting (a worker on a partitioned etcd member's side went from
 * 14 to 40) and shrink only after a minute idle, so a short run ends with them at the size of its
 * last burst, which says nothing of a leak; the soak judges them at a plateau.
 */
public final class ResourceCheck {

    static final String NAME = "resources";
    static final double GROWTH = 0.10;

    /**
     * What a process may grow by beyond {@link #GROWTH}.
     *
     * @param heap         bytes of live heap
     * @param fixedThreads threads outside the elastic pools
     * @param poolThreads  threads in the elastic pools, or empty when their size is not judged
     * @param fds          open file descriptors
     */
    public record Tolerance(long heap, long fixedThreads, OptionalLong poolThreads, long fds) {

        /** The soak's: the plain 10 % of heap, and the few threads and a descriptor the class javadoc explains. */
        public static final Tolerance STEADY = new Tolerance(0, 4, OptionalLong.of(8), 1);

        static final long HEAP_SLACK = 4L * 1024 * 1024;
        static final long HEAP_PER_KEY = 1024;

        /** The short and long forms', for a namespace that gained {@code keysGained} keys between the samples. */
        public static Tolerance shortRun(long keysGained) {
            return new Tolerance(HEAP_SLACK + Math.max(0, keysGained) * HEAP_PER_KEY, 6, OptionalLong.empty(), 8);
        }
    }

    private ResourceCheck() {
    }

    /** Judges every process of {@code end} that {@code first} sampled too (by pid). */
    public static CheckResult check(List<ResourceSample> first, List<ResourceSample> end, Tolerance tolerance) {
        Map<Long, ResourceSample> before = first.stream()
                .collect(Collectors.toMap(ResourceSample::pid, Function.identity(), (a, b) -> a));
        List<Violation> violations = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int compared = 0;
        for (ResourceSample after : end) {
            ResourceSample from = before.get(after.pid());
            if (from == null) {
                continue;
            }
            compared++;
            judge("live heap", ResourceSample::liveHeap, tolerance.heap(), from, after, violations);
            judge("threads outside pools", ResourceSample::fixedThreads, tolerance.fixedThreads(), from, after,
                    violations);
            tolerance.poolThreads().ifPresent(slack ->
                    judge("pool threads", ResourceSample::poolThreads, slack, from, after, violations));
            judge("open file descriptors", ResourceSample::fds, tolerance.fds(), from, after, violations);
            notes.add(after.process() + " heap " + mib(from.liveHeap()) + "→" + mib(after.liveHeap()) + " MiB, threads "
                    + from.threads() + "→" + after.threads() + " (pools " + from.poolThreads() + "→"
                    + after.poolThreads() + "), fds " + from.fds() + "→" + after.fds());
        }
        return new CheckResult(NAME, compared, violations, notes.isEmpty() ? "no process lived through the run"
                : String.join("; ", notes));
    }

    /** Mebibytes with one decimal. */
    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1024.0 / 1024.0);
    }

    private static void judge(String what, ToLongFunction<ResourceSample> resource, long slack, ResourceSample first,
                              ResourceSample after, List<Violation> violations) {
        long from = resource.applyAsLong(first);
        long to = resource.applyAsLong(after);
        long limit = from + Math.round(from * GROWTH) + slack;
        if (to > limit) {
            violations.add(Violation.of(NAME, what + " of " + after.process() + " grew from " + from + " to " + to
                    + " over the run; the limit is " + limit, List.of(first, after)));
        }
    }
}
