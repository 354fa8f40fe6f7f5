package dev.baton.chaos.workload;

import dev.baton.chaos.history.LedgerEntry;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Guard;
import dev.baton.etcd.Operations;
import dev.baton.etcd.TxnResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends ledger entries for one member, each in a transaction guarded by the owner's fence. A
 * refused transaction is an owner that lost its token: reported to the caller, never retried.
 */
final class Ledger {

    private final Etcd etcd;
    private final String member;
    private final AtomicLong unique = new AtomicLong();

    Ledger(Etcd etcd, String member) {
        this.etcd = etcd;
        this.member = member;
    }

    /**
     * Writes one entry fenced by {@code fence}; true when it landed, false when the fence refused
     * it. A timeout or connection error is thrown: the write may or may not have landed.
     */
    boolean append(LedgerEntry.Writer writer, String subject, long token, int seq, boolean last, Guard fence)
            throws Exception {
        String key = LedgerEntry.key(writer, subject, token, member, unique.getAndIncrement());
        String value = LedgerEntry.value(writer, subject, token, member, seq, last, System.nanoTime());
        TxnResult result = etcd.txn(List.of(fence),
                List.of(Operations.put(key, value.getBytes(StandardCharsets.UTF_8), 0)), List.of())
                .get(etcd.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        return result.succeeded();
    }
}
