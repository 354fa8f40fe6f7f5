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
 * tell from noise (4 MiB of class caches; 32 threads, as gRPC's and the common pools grow with
 * bursts and shrink only after a minute idle; 8 descriptors): a leak per fault outgrows it.
 */
public final class ResourceCheck {

    static final String NAME = "resources";
    static final double GROWTH = 0.10;
    static final long HEAP_SLACK = 4L * 1024 * 1024;
    static final long THREAD_SLACK = 32;
    static final long FD_SLACK = 8;

    private ResourceCheck() {
    }

    public static CheckResult check(List<ResourceSample> warm, List<ResourceSample> end) {
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
            judge("live heap", ResourceSample::liveHeap, HEAP_SLACK, first, after, violations);
            judge("threads", ResourceSample::threads, THREAD_SLACK, first, after, violations);
            judge("open file descriptors", ResourceSample::fds, FD_SLACK, first, after, violations);
            notes.add(after.process() + " heap " + first.liveHeap() / 1024 / 1024 + "→"
                    + after.liveHeap() / 1024 / 1024 + " MiB, threads " + first.threads() + "→" + after.threads() + ", fds " + first.fds() + "→"
                    + after.fds());
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
