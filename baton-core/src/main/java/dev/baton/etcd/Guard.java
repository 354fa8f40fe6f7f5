package dev.baton.etcd;

import io.etcd.jetcd.op.Cmp;
import java.util.List;

/**
 * A condition of a transaction on one key, such as the fencing guard of a leadership, a lock or a
 * task claim ({@code fence()}), or one of {@link Compares}. A transaction's writes land only while
 * every one of its guards holds. Immutable.
 */
public final class Guard {
    private final Cmp cmp;

    Guard(Cmp cmp) {
        this.cmp = cmp;
    }

    static Cmp[] toJetcd(List<Guard> guards) {
        Cmp[] cmps = new Cmp[guards.size()];
        for (int i = 0; i < cmps.length; i++) {
            cmps[i] = guards.get(i).cmp;
        }
        return cmps;
    }
}
