package dev.baton.chaos.check;

import dev.baton.chaos.history.CacheLine;
import dev.baton.chaos.history.CacheReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Checker 6: what each worker's keyspace cache delivered.
 *
 * <ul>
 *   <li><b>Ordered</b>: events come in non-decreasing revision, and each key's in strictly
 *       increasing revision (a repeat would be a duplicate).</li>
 *   <li><b>No gaps</b>: each event's old value is the new value of that key's previous event
 *       (none before the first), as the cache promises even when it coalesces.</li>
 *   <li><b>Equal to the store at quiescence</b>: for an incarnation alive at the quiet end,
 *       replaying its events gives its reported contents, and those equal what the store held at
 *       the reported revision.</li>
 * </ul>
 */
public final class CacheCheck {

    static final String NAME = "watch-cache";
    private static final String RESYNCED = "RESYNCED";

    private CacheCheck() {
    }

    public static CheckResult check(List<CacheReport> reports) {
        List<Violation> violations = new ArrayList<>();
        long checked = 0;
        int resyncs = 0;
        for (CacheReport report : reports) {
            Map<String, CacheLine> latest = new HashMap<>();
            Map<String, String> view = new HashMap<>();
            Map<String, String> viewAtReport = new HashMap<>();
            CacheLine previous = null;
            for (int i = 0; i < report.events().size(); i++) {
                if (i == report.reportedAfter()) {
                    viewAtReport.putAll(view);
                }
                CacheLine line = report.events().get(i);
                checked++;
                if (line.kind().equals(RESYNCED)) {
                    resyncs++;
                    continue;
                }
                if (previous != null && line.modRevision() < previous.modRevision()) {
                    violations.add(violation(report, "events out of order", List.of(previous, line)));
                }
                CacheLine before = latest.get(line.key());
                if (before != null && line.modRevision() <= before.modRevision()) {
                    violations.add(violation(report, "a repeated event for " + line.key(), List.of(before, line)));
                }
                String expectedOld = view.getOrDefault(line.key(), CacheLine.NONE);
                if (!line.oldDigest().equals(expectedOld)) {
                    List<CacheLine> excerpt = before == null ? List.of(line) : List.of(before, line);
                    violations.add(violation(report, "a gap on " + line.key() + ": the event's old value "
                            + line.oldDigest() + " is not the value last delivered, " + expectedOld, excerpt));
                }
                if (line.kind().equals("ADDED") || line.kind().equals("CHANGED")) {
                    view.put(line.key(), line.newDigest());
                } else {
                    view.remove(line.key());
                }
                latest.put(line.key(), line);
                previous = line;
            }
            if (report.reportedAfter() == report.events().size()) {
                viewAtReport.putAll(view);
            }
            if (report.quiesced()) {
                compare(report, "its replayed events", viewAtReport, "its reported contents", report.contents(), violations);
                compare(report, "its reported contents", report.contents(), "the store at revision "
                        + report.revision(), report.store(), violations);
            }
        }
        return new CheckResult(NAME, checked, violations, reports.size() + " cache incarnations, " + resyncs
                + " resyncs");
    }

    private static void compare(CacheReport report, String leftName, Map<String, String> left, String rightName,
                                Map<String, String> right, List<Violation> violations) {
        TreeSet<String> keys = new TreeSet<>(left.keySet());
        keys.addAll(right.keySet());
        List<String> differences = new ArrayList<>();
        for (String key : keys) {
            String a = left.getOrDefault(key, CacheLine.NONE);
            String b = right.getOrDefault(key, CacheLine.NONE);
            if (!a.equals(b)) {
                differences.add(key + ": " + a + " vs " + b);
            }
        }
        if (!differences.isEmpty()) {
            violations.add(violation(report, leftName + " differ from " + rightName + " in " + differences.size()
                    + " keys", differences.subList(0, Math.min(5, differences.size()))));
        }
    }

    private static Violation violation(CacheReport report, String summary, List<?> excerpt) {
        return Violation.of(NAME, "cache of " + report.member() + ": " + summary, excerpt);
    }
}
