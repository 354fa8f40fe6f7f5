package dev.baton.chaos.history;

import java.util.Objects;

/**
 * One JVM process's resources at one moment.
 *
 * @param process   what it is: a worker's member id, or {@code server}
 * @param pid       its process id (a restarted process is another one)
 * @param liveHeap  bytes of live objects on its heap, measured by a full GC
 * @param threads   its live threads
 * @param fds       its open file descriptors
 */
public record ResourceSample(String process, long pid, long liveHeap, int threads, int fds) {

    public ResourceSample {
        Objects.requireNonNull(process, "process");
    }

    @Override
    public String toString() {
        return process + " (pid " + pid + "): heap " + liveHeap / 1024 + " KiB, " + threads + " threads, " + fds
                + " fds";
    }
}
