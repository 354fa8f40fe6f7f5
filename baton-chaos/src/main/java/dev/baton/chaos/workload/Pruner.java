package dev.baton.chaos.workload;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Operation;
import dev.baton.etcd.Operations;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Deletes from the store, every period, the keys a {@link StoreRecorder} has recorded, so a
 * history that only grows (the ledger) stays small in the store while the checkers judge it from
 * the recording. Only for keys nothing reads back and nobody rewrites: a deleted key's history is
 * already in the recorder, and a key put after its delete is recorded and deleted again. Failures
 * (the store down) are skipped; the next period tries again.
 */
public final class Pruner implements AutoCloseable {

    /** Deletes per transaction, well inside etcd's default limit of 128 operations. */
    private static final int BATCH = 100;

    private final Periodic periodic;

    private Pruner(Periodic periodic) {
        this.periodic = periodic;
    }

    /** Starts deleting through {@code etcd} what {@code recorder} has recorded, every {@code period}. */
    public static Pruner start(Etcd etcd, StoreRecorder recorder, Duration period) {
        return new Pruner(Periodic.start("chaos-pruner", period, () -> prune(etcd, recorder)));
    }

    private static void prune(Etcd etcd, StoreRecorder recorder) throws Exception {
        List<String> keys = recorder.liveKeys();
        for (int from = 0; from < keys.size(); from += BATCH) {
            List<Operation> deletes = keys.subList(from, Math.min(keys.size(), from + BATCH)).stream()
                    .map(key -> Operations.delete(KeyRange.key(key))).toList();
            etcd.txn(List.of(), deletes, List.of()).get(etcd.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops deleting; idempotent. */
    @Override
    public void close() throws InterruptedException {
        periodic.close();
    }
}
