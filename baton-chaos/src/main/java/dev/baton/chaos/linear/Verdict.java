package dev.baton.chaos.linear;

import java.util.List;
import java.util.Objects;

/**
 * The judgement on one key's history.
 *
 * @param result            whether the key's operations can be linearized
 * @param key               the key judged
 * @param operationsChecked the operations of this key in the history, whatever their outcome
 * @param excerpt           for a VIOLATION, the operations that together cannot be linearized, in
 *                          invocation order; empty otherwise
 * @param explanation       one or a few sentences a person can read
 */
public record Verdict(Result result, String key, long operationsChecked, List<RegisterOp> excerpt, String explanation) {

    public enum Result { LINEARIZABLE, VIOLATION, UNKNOWN /* search budget exhausted */ }

    public Verdict {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(key, "key");
        excerpt = List.copyOf(excerpt);
        Objects.requireNonNull(explanation, "explanation");
    }
}
