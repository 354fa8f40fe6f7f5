package dev.baton.chaos.check;

import dev.baton.chaos.history.ProcessRun;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Checker of the CLI worker: no two runs of one command task were alive at once. A run is alive
 * from its first heartbeat to its last, so two runs whose spans meet were both alive at the later
 * start: a violation is never a guess. (Two runs that overlapped for less than a heartbeat's period
 * can escape it.)
 */
public final class RunOverlapCheck {

    static final String NAME = "run-overlap";

    private RunOverlapCheck() {
    }

    public static CheckResult check(List<ProcessRun> runs) {
        Map<String, List<ProcessRun>> byTask = runs.stream().collect(Collectors.groupingBy(ProcessRun::task,
                TreeMap::new, Collectors.toList()));
        List<Violation> violations = new ArrayList<>();
        int rerun = 0;
        long closest = Long.MAX_VALUE;
        for (List<ProcessRun> ofTask : byTask.values()) {
            ofTask.sort(Comparator.comparingLong(ProcessRun::firstBeat));
            rerun += ofTask.size() > 1 ? 1 : 0;
            for (int i = 1; i < ofTask.size(); i++) {
                closest = Math.min(closest, ofTask.get(i).firstBeat() - ofTask.get(i - 1).lastBeat());
            }
            for (int i = 0; i < ofTask.size(); i++) {
                for (int j = i + 1; j < ofTask.size() && ofTask.get(j).firstBeat() <= ofTask.get(i).lastBeat(); j++) {
                    ProcessRun earlier = ofTask.get(i);
                    ProcessRun later = ofTask.get(j);
                    violations.add(Violation.of(NAME, "two runs of " + earlier.task() + " were alive at once for "
                            + (Math.min(earlier.lastBeat(), later.lastBeat()) - later.firstBeat()) / 1_000_000 + " ms", List.of(earlier, later)));
                }
            }
        }
        return new CheckResult(NAME, runs.size(), violations, byTask.size() + " tasks, " + rerun
                + " of them run again after their first run ended" + (closest == Long.MAX_VALUE ? ""
                : "; the closest start of a run after the last heartbeat of the one before: "
                + closest / 1_000_000 + " ms"));
    }
}
