package dev.baton.bench.tasks;

import dev.baton.testkit.EtcdProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The load a real etcd carries, from its revision (every put, delete and successful txn moves it
 * by one) and from its Prometheus counters: lease keep-alives, which do not move the revision,
 * and raft proposals.
 */
final class StoreLoad {
    /** Writes and lease keep-alives per second over one window. */
    record Rates(double writesPerSecond, double keepAlivesPerSecond) {
    }

    private final EtcdProcess etcd;
    private final LongSupplier revision;
    private final HttpClient http = HttpClient.newHttpClient();

    StoreLoad(EtcdProcess etcd, LongSupplier revision) {
        this.etcd = etcd;
        this.revision = revision;
    }

    /** Waits {@code settle} for the store to come to rest, then counts over {@code window}. */
    Rates measure(Duration settle, Duration window) throws IOException, InterruptedException {
        Thread.sleep(settle.toMillis());
        long revision0 = revision.getAsLong();
        long renewed0 = counter("etcd_debugging_lease_renewed_total");
        long start = System.nanoTime();
        Thread.sleep(window.toMillis());
        long revision1 = revision.getAsLong();
        long renewed1 = counter("etcd_debugging_lease_renewed_total");
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Rates((revision1 - revision0) / seconds, (renewed1 - renewed0) / seconds);
    }

    /** Raft proposals committed so far: one per write request that reached consensus. */
    long proposals() throws IOException, InterruptedException {
        return counter("etcd_server_proposals_committed_total");
    }

    private long counter(String name) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(etcd.endpoint() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body().lines().filter(line -> line.startsWith(name + " "))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(name.length() + 1).trim()))
                .findFirst().orElseThrow(() -> new IllegalStateException("etcd has no metric " + name));
    }
}
