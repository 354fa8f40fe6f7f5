package dev.baton.chaos.check;

import dev.baton.chaos.history.Fault;
import dev.baton.chaos.history.LedgerEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checker 4: leadership and abandoned tasks are recovered within {@code TTL + store failover + 2 s}
 * of the fault, measured on the writers' own clocks (the ledger's write times).
 *
 * <ul>
 *   <li>A fault on a worker that led (the last leader write before it was that worker's) is
 *       recovered by the first leader write after it under another token.</li>
 *   <li>A fault on a worker that was running a task (its last write before the fault was not
 *       the run's last) is recovered by the first write for that task under another token, or by
 *       the run's last write (a worker leaving gracefully may finish what it runs).</li>
 *   <li>A store fault is recovered by the first leader write after the store is back; the time
 *       the store was out (from injection to heal) counts as store failover on top of the
 *       allowance, or instead of it when the fault measured the store's failover itself (a
 *       partitioned cluster's majority electing its leader): then the fleet has TTL + 2 s after it.</li>
 * </ul>
 * A fault whose recovery has not happened when the next fault is injected is not judged on its
 * own: the next fault's recovery covers it (a fault that is never recovered is still found, by the
 * last one). Only this checker judges time; its bound is stated in every result.
 */
public final class LivenessCheck {

    static final String NAME = "liveness";
    private static final Duration GRACE = Duration.ofSeconds(2);

    private LivenessCheck() {
    }

    /**
     * @param faults            the faults injected
     * @param ledger            every accepted write
     * @param ttl               the workers' session TTL
     * @param failoverAllowance how long the store may take to fail over (elect a leader, restart)
     *                          on top of the measured outage
     */
    public static CheckResult check(List<Fault> faults, List<LedgerEntry> ledger, Duration ttl,
                                    Duration failoverAllowance) {
        long bound = ttl.plus(GRACE).toNanos();
        long failover = failoverAllowance.toNanos();
        List<LedgerEntry> leader = ledger.stream().filter(e -> e.writer() == LedgerEntry.Writer.LEADER)
                .sorted(Comparator.comparingLong(LedgerEntry::nanos)).toList();
        Map<String, List<LedgerEntry>> tasks = ledger.stream().filter(e -> e.writer() == LedgerEntry.Writer.TASK)
                .sorted(Comparator.comparingLong(LedgerEntry::nanos))
                .collect(Collectors.groupingBy(LedgerEntry::subject));
        List<Violation> violations = new ArrayList<>();
        long measured = 0;
        List<Long> beyondOutage = new ArrayList<>();
        int superseded = 0;
        for (int f = 0; f < faults.size(); f++) {
            Fault fault = faults.get(f);
            long nextFault = f + 1 < faults.size() ? faults.get(f + 1).injectedNanos() : Long.MAX_VALUE;
            List<Recovery> recoveries = new ArrayList<>();
            if (fault.storeFault()) {
                Optional<LedgerEntry> after = leader.stream().filter(e -> e.nanos() > fault.healedNanos()).findFirst();
                recoveries.add(new Recovery("leadership", null, after, fault.healedNanos() - fault.injectedNanos(),
                        fault.failoverMeasured() ? 0 : failover));
            } else {
                lastBefore(leader, fault.injectedNanos())
                        .filter(last -> last.member().equals(fault.target()))
                        .ifPresent(last -> recoveries.add(new Recovery("leadership", last,
                                firstOtherToken(leader, last, fault.injectedNanos()), 0, failover)));
                tasks.forEach((task, writes) -> lastBefore(writes, fault.injectedNanos())
                        .filter(last -> last.member().equals(fault.target()) && !last.last())
                        .ifPresent(last -> recoveries.add(new Recovery("task " + task, last,
                                writes.stream().filter(w -> w.nanos() > fault.injectedNanos()
                                        && (w.token() != last.token() || w.last())).findFirst(), 0, failover))));
            }
            for (Recovery recovery : recoveries) {
                if (recovery.after().map(a -> a.nanos() > nextFault).orElse(nextFault != Long.MAX_VALUE)) {
                    superseded++;
                    continue;
                }
                measured++;
                long limit = bound + recovery.allowance() + recovery.outage();
                List<Object> excerpt = new ArrayList<>();
                excerpt.add(fault);
                if (recovery.before() != null) {
                    excerpt.add(recovery.before());
                }
                if (recovery.after().isEmpty()) {
                    violations.add(Violation.of(NAME, recovery.what() + " was never recovered after " + fault, excerpt));
                    continue;
                }
                long took = recovery.after().get().nanos() - fault.injectedNanos();
                beyondOutage.add(took - recovery.outage());
                if (took > limit) {
                    excerpt.add(recovery.after().get());
                    violations.add(Violation.of(NAME, recovery.what() + " took " + took / 1_000_000
                            + " ms to recover after " + fault.nemesis() + " of " + fault.target() + "; the bound is "
                            + limit / 1_000_000 + " ms", excerpt));
                }
            }
        }
        return new CheckResult(NAME, measured, violations, "bound TTL " + ttl.toSeconds() + " s + failover "
                + failoverAllowance.toSeconds() + " s, unless the outage measured it (+ measured store outage) + 2 s; "
                + describe(beyondOutage));
    }

    /** The recoveries' times beyond the outage: median and slowest, the figures a run is compared by. */
    private static String describe(List<Long> beyondOutage) {
        if (beyondOutage.isEmpty()) {
            return "no recovery measured";
        }
        List<Long> sorted = beyondOutage.stream().sorted().toList();
        return "recovery beyond the outage: median " + sorted.get((sorted.size() - 1) / 2) / 1_000_000
                + " ms, slowest " + sorted.get(sorted.size() - 1) / 1_000_000 + " ms";
    }

    private record Recovery(String what, LedgerEntry before, Optional<LedgerEntry> after, long outage,
                            long allowance) {
    }

    private static Optional<LedgerEntry> lastBefore(List<LedgerEntry> writes, long nanos) {
        LedgerEntry last = null;
        for (LedgerEntry write : writes) {
            if (write.nanos() >= nanos) {
                break;
            }
            last = write;
        }
        return Optional.ofNullable(last);
    }

    private static Optional<LedgerEntry> firstOtherToken(List<LedgerEntry> writes, LedgerEntry before, long nanos) {
        return writes.stream().filter(w -> w.nanos() > nanos && w.token() != before.token()).findFirst();
    }
}
