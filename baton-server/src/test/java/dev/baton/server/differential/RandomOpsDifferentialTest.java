package dev.baton.server.differential;

import dev.baton.testkit.EtcdExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seeded random operations, at least 10,000 per run, against real etcd and the embedded server,
 * compared one by one; the watches opened along the way are compared at settle points and at the
 * end. A failure names the seed: rerun it with {@code -Dbaton.differential.seed=<seed>}
 * ({@code -Dbaton.differential.ops=<n>} changes the count).
 */
class RandomOpsDifferentialTest {
    private static final Path ETCD_DIR = FastTempDirs.create("baton-etcd-");

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension(b -> b.dataDir(ETCD_DIR));

    @AfterAll
    static void deleteEtcdData() {
        FastTempDirs.delete(ETCD_DIR);
    }

    @Test
    void randomOperationsAnswerAsEtcdDoes() {
        long seed = Long.getLong("baton.differential.seed", System.nanoTime());
        int ops = Integer.getInteger("baton.differential.ops", 10_000);
        System.out.println("random differential run: seed " + seed + ", " + ops + " operations");
        try (Differential diff = Differential.against(ETCD.endpoint());
             Differential.WatchPair watches = diff.openWatches()) {
            RandomOps random = new RandomOps(seed, diff, watches);
            for (int i = 0; i < ops; i++) {
                diff.context("seed " + seed + " (rerun with -Dbaton.differential.seed=" + seed + "), operation " + i);
                random.step(i);
            }
            diff.context("seed " + seed + " (rerun with -Dbaton.differential.seed=" + seed + "), final settle");
            random.settle("final");
        }
    }
}
