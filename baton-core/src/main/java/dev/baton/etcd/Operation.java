package dev.baton.etcd;

import io.etcd.jetcd.op.Op;
import java.util.List;

/**
 * One operation of a transaction (a put, a delete, a read or a nested transaction), built with
 * {@link Operations}. Immutable.
 */
public final class Operation {
    private final Op op;

    Operation(Op op) {
        this.op = op;
    }

    static Op[] toJetcd(List<Operation> operations) {
        Op[] ops = new Op[operations.size()];
        for (int i = 0; i < ops.length; i++) {
            ops[i] = operations.get(i).op;
        }
        return ops;
    }
}
