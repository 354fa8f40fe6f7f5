package dev.baton.bench;

import java.time.Duration;
import java.util.Optional;

/**
 * CPU time used by processes, as the operating system accounts it (user and system time): this
 * JVM alone, or a process the benchmark started together with its descendants (PostgreSQL's
 * backends are children of its postmaster). On a shared machine a rate varies with what else
 * runs; the CPU a side spends on the same work varies much less, so scenarios report both.
 */
public final class ProcessCpu {

    private ProcessCpu() {
    }

    /** CPU time this JVM has used so far: every thread, the JIT compiler and the garbage collector included. */
    public static Duration thisJvm() {
        return used(ProcessHandle.current());
    }

    /** CPU time the process {@code pid} and its live descendants have used so far. */
    public static Duration tree(long pid) {
        ProcessHandle root = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException("process " + pid + " is not running"));
        return root.descendants().map(ProcessCpu::used).reduce(used(root), Duration::plus);
    }

    private static Duration used(ProcessHandle process) {
        Optional<Duration> cpu = process.info().totalCpuDuration();
        return cpu.orElseThrow(() -> new IllegalStateException(
                "the operating system does not report the CPU time of process " + process.pid()));
    }
}
