package dev.baton.chaos.history;

import java.util.List;
import java.util.Objects;

/**
 * One JVM process's resources at one moment.
 *
 * @param process   what it is: a worker's member id, or {@code server}
 * @param pid       its process id (a restarted process is another one)
 * @param liveHeap  bytes of live objects on its heap, measured by a full GC
 * @param threads   its live threads
 * @param poolThreads how many of them belong to pools that grow with bursts of work and shrink
 *                  when idle (see {@link #isPoolThread})
 * @param fds       its open file descriptors
 */
public record ResourceSample(String process, long pid, long liveHeap, int threads, int poolThreads, int fds) {

    /**
     * Name prefixes of the elastic pools: gRPC's default executor, the facade's callback pool and
     * jetcd's executor (cached: a thread per concurrent call, ended after a minute idle), task
     * handler threads (ended after 30 s idle), Netty's event loops (one per connection up to twice
     * the cores) and the common fork-join pool.
     */
    private static final List<String> POOLS = List.of("grpc-default-executor-", "baton-callback-", "jetcd-pool-",
            "baton-task-", "grpc-nio-worker-", "ForkJoinPool.commonPool-");

    public ResourceSample {
        Objects.requireNonNull(process, "process");
        if (poolThreads > threads) {
            throw new IllegalArgumentException(process + " has " + poolThreads + " pool threads of " + threads);
        }
    }

    /** Whether a thread of this name belongs to one of the elastic pools. */
    public static boolean isPoolThread(String name) {
        return POOLS.stream().anyMatch(name::startsWith);
    }

    /** Threads outside the elastic pools: started once, so any growth of them is a leak. */
    public int fixedThreads() {
        return threads - poolThreads;
    }

    @Override
    public String toString() {
        return process + " (pid " + pid + "): heap " + liveHeap / 1024 + " KiB, " + threads + " threads (" + poolThreads + " in pools), " + fds
                + " fds";
    }
}
