package dev.baton.etcd;

import java.util.List;

/**
 * The outcome of a transaction.
 *
 * @param succeeded whether every compare held, so the {@code then} branch ran
 * @param revision  the store revision after the transaction
 * @param gets      the results of the get operations of the branch that ran, in order
 */
public record TxnResult(boolean succeeded, long revision, List<List<KeyValue>> gets) {
    public TxnResult {
        gets = List.copyOf(gets);
    }
}
