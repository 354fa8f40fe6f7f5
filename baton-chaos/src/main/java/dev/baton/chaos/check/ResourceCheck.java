package dev.baton.chaos.check;

import dev.baton.chaos.history.ResourceSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * Checker 7: no process leaks. Every process sampled after warm-up and again at the end of the
 * run (the same pid: a restarted process starts afresh) ends with its live heap, threads and open
 * file descriptors within 10 % of where they were, plus an allowance for what a short run cannot
 * tell from noise: 4 MiB of class caches; 6 threads outside the elastic pools (single threads
 * started on first use, some only at the first outage: the facade's timer, jetcd's retry
 * scheduler and watch executor, the allocator member's timer; docs/reliability.md lists them); 24
 * threads in the elastic pools
 * ({@link ResourceSample#isPoolThread}), which grow with the bursts of retries an outage causes and
 * shrink only after a minute idle; 8 descriptors. A leak per fault outgrows it. The heap may also
 * grow by 1 KiB for every key the namespace gained over the run: every worker's cache (and the
 * embedded server) holds each key, about 530 bytes of heap apiece, and the workload's ledger only
 * grows.
 */
public final class ResourceCheck {

    static final String NAME = "resources";
    static final double GROWTH = 0.10;
    static final long HEAP_SLACK = 4L * 1024 * 1024;
    static final long HEAP_PER_KEY = 1024;
    static final long FIXED_THREAD_SLACK = 6;
    static final long POOL_THREAD_SLACK = 24;
    static final long FD_SLACK = 8;

    private ResourceCheck() {
    }

    /**
     * @param keysGained how many more keys the namespace held at the end than at the first sample
     */
    public static CheckResult check(List<ResourceSample> warm, List<ResourceSample> end, long keysGained) {
        Map<Long, ResourceSample> before = warm.stream()
                .collect(Collectors.toMap(ResourceSample::pid, Function.identity(), (a, b) -> a));
        List<Violation> violations = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int compared = 0;
        for (ResourceSample after : end) {
            ResourceSample first = before.get(after.pid());
            if (first == null) {
                continue;
            }
            compared++;
            judge("live heap", ResourceSample::liveHeap, HEAP_SLACK + Math.max(0, keysGained) * HEAP_PER_KEY, first,
                    after, violations);
            judge("threads outside pools", ResourceSample::fixedThreads, FIXED_THREAD_SLACK, first, after, violations);
            judge("pool threads", ResourceSample::poolThreads, POOL_THREAD_SLACK, first, after, violations);
            judge("open file descriptors", ResourceSample::fds, FD_SLACK, first, after, violations);
            notes.add(after.process() + " heap " + first.liveHeap() / 1024 / 1024 + "→"
                    + after.liveHeap() / 1024 / 1024 + " MiB, threads " + first.threads() + "→" + after.threads() + " (pools "
                    + first.poolThreads() + "→" + after.poolThreads() + "), fds " + first.fds() + "→" + after.fds());
        }
        return new CheckResult(NAME, compared, violations, notes.isEmpty() ? "no process lived through the run"
                : String.join("; ", notes));
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
