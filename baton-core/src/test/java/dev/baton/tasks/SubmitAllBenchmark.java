package dev.baton.tasks;

import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Operations;
import dev.baton.etcd.TxnResult;
import dev.baton.testkit.EtcdProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.IntStream;

/**
 * {@link TaskClient#submitAll} next to the store's physical limit, in the same run on the same
 * etcd: {@code count} raw transactions {@code if absent(k) then put(k)} on fresh keys from one
 * client with 1,000 in flight. Not a test: run it with
 * <pre>
 *   mvn -o -q -pl baton-core -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
 *   java -cp baton-core/target/classes:baton-core/target/test-classes:$(cat baton-core/target/bench.classpath) \
 *       dev.baton.tasks.SubmitAllBenchmark [count] [rounds]
 * </pre>
 * Defaults: 10,000 tasks, 3 rounds; each round times both, raw first, in fresh namespaces.
 */
public final class SubmitAllBenchmark {

    private static final int RAW_IN_FLIGHT = 1000;

    private SubmitAllBenchmark() {
    }

    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (EtcdProcess process = EtcdProcess.builder().start();
             Etcd etcd = Etcd.builder().endpoints(process.endpoint()).requestTimeout(Duration.ofSeconds(30)).build()) {
            for (int round = 0; round < rounds; round++) {
                double raw = raw(etcd, "raw-" + round + "/", count);
                double batch = submitAll(etcd, "batch-" + round + "/", count);
                System.out.printf(Locale.ROOT, "round %d: %,d raw txns %.2f s, submitAll %.2f s, ratio %.2f%n",
                        round + 1, count, raw, batch, batch / raw);
            }
        }
    }

    private static double raw(Etcd etcd, String prefix, int count) {
        Semaphore window = new Semaphore(RAW_IN_FLIGHT);
        byte[] value = "x".getBytes(StandardCharsets.UTF_8);
        List<CompletableFuture<TxnResult>> sent = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String key = prefix + i;
            window.acquireUninterruptibly();
            CompletableFuture<TxnResult> txn = etcd.txn(List.of(Compares.absent(key)),
                    List.of(Operations.put(key, value, 0)), List.of());
            txn.whenComplete((result, error) -> window.release());
            sent.add(txn);
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        return (System.nanoTime() - start) / 1e9;
    }

    private static double submitAll(Etcd etcd, String namespace, int count) {
        List<TaskSubmission> submissions = IntStream.range(0, count)
                .mapToObj(i -> TaskSubmission.of(TaskId.of("task-" + i), TaskProperties.parse("{\"n\":" + i + "}")))
                .toList();
        TaskClient client = TaskClient.create(etcd, namespace);
        long start = System.nanoTime();
        SubmitAllResult result = client.submitAll(submissions);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (result.submitted().size() != count) {
            throw new IllegalStateException("submitted " + result.submitted().size() + " of " + count);
        }
        return seconds;
    }
}
