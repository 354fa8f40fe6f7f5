package dev.baton.etcd;

import java.util.List;

/**
 * The outcome of a transaction.
 *
 * @param succeeded whether every compare held, so the {@code then} branch ran
 * @param revision  the store revision after the transaction
 * @param gets      the results of the get operations of the branch that ran, in order
 * @param nested    the outcomes of the nested transactions of the branch that ran, in order
 *                  ({@link Operations#txn}); each carries the revision of the whole request
 */
public record TxnResult(boolean succeeded, long revision, List<List<KeyValue>> gets, List<TxnResult> nested) {
    public TxnResult {
        gets = List.copyOf(gets);
        nested = List.copyOf(nested);
    }

    /** The outcome of a transaction without nested transactions. */
    public TxnResult(boolean succeeded, long revision, List<List<KeyValue>> gets) {
        this(succeeded, revision, gets, List.of());
    }
}
