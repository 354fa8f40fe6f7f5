package dev.baton.bench.tasks;

import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Operations;
import dev.baton.etcd.TxnResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The physical limit of claiming: one client sends {@code count} transactions
 * {@code if absent(k) then put(k)} on fresh keys, 1,000 in flight, as fast as etcd answers.
 */
final class SingleKeyTxns {
    static final int IN_FLIGHT = 1000;

    private SingleKeyTxns() {
    }

    /** Seconds from the first request to the last answer. */
    static double seconds(Etcd etcd, String prefix, int count) {
        Semaphore window = new Semaphore(IN_FLIGHT);
        byte[] value = "x".getBytes(StandardCharsets.UTF_8);
        List<CompletableFuture<TxnResult>> sent = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String key = prefix + i;
            window.acquireUninterruptibly();
            CompletableFuture<TxnResult> txn = etcd.txn(List.of(Compares.absent(key)),
                    List.of(Operations.put(key, value, 0)), List.of());
            txn.whenComplete((r, e) -> window.release());
            sent.add(txn);
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        return (System.nanoTime() - start) / 1e9;
    }
}
