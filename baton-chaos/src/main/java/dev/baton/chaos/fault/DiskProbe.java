package dev.baton.chaos.fault;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * What {@code server-disk-full} asks of the server around a full disk, through one client
 * writing numbered values to one key: while the disk is full, a write is refused with an error
 * naming the failed log write, reads are answered, and the key holds the last acknowledged value,
 * never the refused one; once space returns, writes are taken again without a restart. Each
 * check that does not hold fails the run with an {@link IllegalStateException} saying which.
 */
final class DiskProbe implements AutoCloseable {
    private static final String KEY = "chaos-disk-probe";
    private static final Duration REFUSAL_TIMEOUT = Duration.ofSeconds(20);
    /**
     * The size of each value: large, since the server's log is extended with zeros ahead of its
     * records (4 MiB at a time) and only filling those up makes the log grow.
     */
    private static final int VALUE_BYTES = 128 * 1024;

    private final Etcd etcd;
    private long written;
    private String acknowledged;

    DiskProbe(StoreTarget store) {
        this.etcd = Etcd.builder().endpoints(store.endpoints()).requestTimeout(Duration.ofSeconds(2)).build();
    }

    /**
     * Writes values of {@link #VALUE_BYTES} until one is refused, then reads the key
     * back. Fails when no write is refused within {@link #REFUSAL_TIMEOUT}, when the refusal does
     * not name the failed log write, when the read is refused, or when it returns the refused value.
     */
    void writeUntilRefused() {
        long deadline = System.nanoTime() + REFUSAL_TIMEOUT.toNanos();
        while (true) {
            String value = nextValue();
            try {
                Etcd.join(etcd.put(KEY, value.getBytes(StandardCharsets.UTF_8), 0));
                acknowledged = value;
            } catch (RuntimeException e) {
                String why = Nemesis.messages(e);
                if (!why.contains("write-ahead log failed")) {
                    throw new IllegalStateException("a write to the full disk failed without naming the failed log"
                            + " write: " + why, e);
                }
                break;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the server still took writes " + REFUSAL_TIMEOUT.toSeconds()
                        + " s after its disk filled");
            }
        }
        requireLastAcknowledged("on the full disk");
    }

    /**
     * Once space has returned: the key still holds the last acknowledged value, and a write is
     * taken within {@link Nemesis#DISK_RESUME_TIMEOUT}, by the same server process.
     */
    void awaitWritesTaken() throws InterruptedException {
        requireLastAcknowledged("once space returned");
        long deadline = System.nanoTime() + Nemesis.DISK_RESUME_TIMEOUT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() - deadline < 0) {
            String value = nextValue();
            try {
                Etcd.join(etcd.put(KEY, value.getBytes(StandardCharsets.UTF_8), 0));
                acknowledged = value;
                requireLastAcknowledged("after writes resumed");
                return;
            } catch (IllegalStateException e) {
                throw e;
            } catch (RuntimeException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the server took no write " + Nemesis.DISK_RESUME_TIMEOUT.toSeconds()
                + " s after space returned, without a restart: " + (last == null ? "" : Nemesis.messages(last)), last);
    }

    private String nextValue() {
        written++;
        return written + ":" + "x".repeat(VALUE_BYTES);
    }

    private void requireLastAcknowledged(String when) {
        Optional<String> stored;
        try {
            stored = Etcd.join(etcd.get(KEY)).map(KeyValue::valueUtf8);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the server refused a read " + when + ": " + Nemesis.messages(e), e);
        }
        if (!stored.equals(Optional.ofNullable(acknowledged))) {
            throw new IllegalStateException("the server read back " + stored.map(v -> v.substring(0, v.indexOf(':')))
                    .orElse("nothing") + " " + when + ", not the last acknowledged write "
                    + (acknowledged == null ? "(none)" : acknowledged.substring(0, acknowledged.indexOf(':'))));
        }
    }

    @Override
    public void close() {
        etcd.close();
    }
}
