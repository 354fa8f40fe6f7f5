package dev.baton.chaos.check;

import java.util.List;
import java.util.Objects;

/**
 * One broken invariant.
 *
 * @param checker which checker found it
 * @param summary what is wrong, in a sentence
 * @param excerpt the records of the history that show it, in history order
 */
public record Violation(String checker, String summary, List<String> excerpt) {

    public Violation {
        Objects.requireNonNull(checker, "checker");
        Objects.requireNonNull(summary, "summary");
        excerpt = List.copyOf(excerpt);
    }

    static Violation of(String checker, String summary, List<?> records) {
        return new Violation(checker, summary, records.stream().map(String::valueOf).toList());
    }
}
