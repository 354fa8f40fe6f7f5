package dev.baton.bench.store;

import io.etcd.jetcd.api.KVGrpc;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop throughput: each client sends its next request when the previous one is answered,
 * over its own connection; requests completed within the measured window (after a warm-up) are
 * counted.
 */
final class Throughput {
    /** One request of a client: the {@code n}th one of client {@code client}. */
    @FunctionalInterface
    interface Operation {
        void run(KVGrpc.KVBlockingStub kv, int client, long n);
    }

    private Throughput() {
    }

    static double perSecond(String endpoint, int clients, Operation operation, Duration warmup, Duration window)
            throws InterruptedException {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean counting = new AtomicBoolean();
        LongAdder completed = new LongAdder();
        List<ManagedChannel> channels = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            ManagedChannel channel = Clients.channel(endpoint);
            channels.add(channel);
            int client = c;
            Thread thread = new Thread(() -> {
                KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
                for (long n = 0; running.get(); n++) {
                    operation.run(kv, client, n);
                    if (counting.get()) {
                        completed.increment();
                    }
                }
            }, "bench-client-" + c);
            threads.add(thread);
            thread.start();
        }
        TimeUnit.MILLISECONDS.sleep(warmup.toMillis());
        counting.set(true);
        long start = System.nanoTime();
        TimeUnit.MILLISECONDS.sleep(window.toMillis());
        counting.set(false);
        long elapsed = System.nanoTime() - start;
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
        channels.forEach(ManagedChannel::shutdownNow);
        return completed.sum() / (elapsed / 1e9);
    }
}
