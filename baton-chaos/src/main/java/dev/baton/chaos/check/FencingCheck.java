package dev.baton.chaos.check;

import dev.baton.chaos.history.LedgerEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checker 1: at most one accepted writer per task and per leadership at any point, and tokens
 * never going backwards.
 *
 * <p>Per subject (a task, or the election), the accepted writes in store-revision order must carry
 * non-decreasing tokens: once a newer owner wrote, no older owner's write may land. A token
 * belongs to one member only, and was created before any write it guards (token below the
 * write's revision). Together these say that at every revision exactly one owner could write.
 */
public final class FencingCheck {

    static final String NAME = "fencing";

    private FencingCheck() {
    }

    public static CheckResult check(List<LedgerEntry> ledger) {
        Map<String, List<LedgerEntry>> bySubject = new LinkedHashMap<>();
        for (LedgerEntry entry : ledger) {
            bySubject.computeIfAbsent(entry.writer() + "/" + entry.subject(), s -> new ArrayList<>()).add(entry);
        }
        List<Violation> violations = new ArrayList<>();
        for (List<LedgerEntry> writes : bySubject.values()) {
            writes.sort(Comparator.comparingLong(LedgerEntry::revision));
            checkSubject(writes, violations);
        }
        return new CheckResult(NAME, ledger.size(), violations, bySubject.size() + " subjects");
    }

    private static void checkSubject(List<LedgerEntry> writes, List<Violation> violations) {
        Map<Long, LedgerEntry> firstByToken = new HashMap<>();
        LedgerEntry newest = null;
        for (LedgerEntry write : writes) {
            if (write.token() >= write.revision()) {
                violations.add(Violation.of(NAME, "a write at revision " + write.revision()
                        + " carries token " + write.token() + ", which did not exist yet", List.of(write)));
            }
            LedgerEntry first = firstByToken.putIfAbsent(write.token(), write);
            if (first != null && !first.member().equals(write.member())) {
                violations.add(Violation.of(NAME, "token " + write.token() + " of " + write.subject()
                        + " was used by two members, " + first.member() + " and " + write.member(), List.of(first, write)));
            }
            if (newest != null && write.token() < newest.token()) {
                violations.add(Violation.of(NAME, "token went backwards on " + write.subject() + ": "
                        + write.member() + " wrote with token " + write.token() + " after " + newest.member()
                        + " wrote with newer token " + newest.token(), List.of(newest, write)));
            }
            if (newest == null || write.token() > newest.token()) {
                newest = write;
            }
        }
    }
}
