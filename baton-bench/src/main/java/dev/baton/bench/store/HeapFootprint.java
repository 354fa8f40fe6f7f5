package dev.baton.bench.store;

import com.google.protobuf.ByteString;
import dev.baton.server.EmbeddedEtcd;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.grpc.ManagedChannel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The heap an embedded server holds for a number of keys: an in-memory server in this JVM is
 * loaded through its API (txns of 128 puts, 16 clients) and the heap in use after a full GC is
 * compared with the heap in use before it started.
 */
final class HeapFootprint {
    /** Heap held for {@code keys} keys of {@code valueBytes}-byte values. */
    record Result(long keys, int valueBytes, long bytes) {
        double mebibytes() {
            return bytes / (1024.0 * 1024.0);
        }

        double bytesPerKey() {
            return (double) bytes / keys;
        }
    }

    private static final int PUTS_PER_TXN = 128;
    private static final int LOADERS = 16;

    private HeapFootprint() {
    }

    static Result measure(int keys, int valueBytes) throws InterruptedException {
        long before = usedHeapAfterGc();
        try (EmbeddedEtcd etcd = EmbeddedEtcd.builder().inMemory().build().start()) {
            AtomicInteger nextBatch = new AtomicInteger();
            int batches = (keys + PUTS_PER_TXN - 1) / PUTS_PER_TXN;
            List<Thread> loaders = new ArrayList<>();
            for (int l = 0; l < LOADERS; l++) {
                Thread loader = new Thread(() -> load(etcd.endpoint(), keys, valueBytes, nextBatch, batches),
                        "heap-loader-" + l);
                loaders.add(loader);
                loader.start();
            }
            for (Thread loader : loaders) {
                loader.join();
            }
            ManagedChannel channel = Clients.channel(etcd.endpoint());
            long count = KVGrpc.newBlockingStub(channel).range(RangeRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8("heap/")).setRangeEnd(ByteString.copyFromUtf8("heap0"))
                    .setCountOnly(true).build()).getCount();
            channel.shutdownNow();
            if (count != keys) {
                throw new IllegalStateException("loaded " + count + " keys instead of " + keys);
            }
            long after = usedHeapAfterGc();
            return new Result(keys, valueBytes, after - before);
        }
    }

    private static void load(String endpoint, int keys, int valueBytes, AtomicInteger nextBatch, int batches) {
        ManagedChannel channel = Clients.channel(endpoint);
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
        Random random = new Random();
        byte[] value = new byte[valueBytes];
        for (int batch = nextBatch.getAndIncrement(); batch < batches; batch = nextBatch.getAndIncrement()) {
            TxnRequest.Builder txn = TxnRequest.newBuilder();
            for (int k = batch * PUTS_PER_TXN; k < Math.min(keys, (batch + 1) * PUTS_PER_TXN); k++) {
                random.nextBytes(value);
                txn.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8(String.format("heap/%08d", k)))
                        .setValue(ByteString.copyFrom(value))));
            }
            kv.txn(txn.build());
        }
        channel.shutdownNow();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(200);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
