package dev.baton.server.wal;

import dev.baton.server.store.Effect;
import dev.baton.server.store.StoreState;
import java.io.IOException;
import java.util.List;

/**
 * Where the writer makes effects durable. Used by the single writer thread only.
 */
public interface Journal extends AutoCloseable {
    /** Buffers the effects of one write as one record; nothing is durable until {@link #sync()}. */
    void append(List<Effect> effects) throws IOException;

    /** Makes every appended record durable (written and, when configured, forced to disk). */
    void sync() throws IOException;

    /**
     * After a failed {@link #sync()}: forgets the records appended since the last successful one
     * and makes sure none of them can be read back, now or by a restart, then checks that the
     * log can grow again. Throws while it cannot (the disk is still full); call again later.
     */
    void discardUnsynced() throws IOException;

    /** True when the log has grown enough since the last snapshot that a new one is worth it. */
    boolean snapshotDue();

    /**
     * Writes a snapshot of {@code state} (which includes every synced record) and trims the log.
     * A failure leaves the journal usable and complete.
     */
    void snapshot(StoreState state) throws IOException;

    /** The number of the last record appended, 0 before any. */
    long lastIndex();

    /** The bytes the journal's files occupy on disk; any thread may ask, cheaply. */
    long sizeOnDisk();

    /** Releases the journal's files; idempotent. */
    @Override
    void close();

    /** A journal that keeps nothing: for servers that live in memory only. */
    static Journal inMemory() {
        return new Journal() {
            private long index;

            @Override
            public void append(List<Effect> effects) {
                index++;
            }

            @Override
            public void sync() {
            }

            @Override
            public void discardUnsynced() {
            }

            @Override
            public boolean snapshotDue() {
                return false;
            }

            @Override
            public void snapshot(StoreState state) {
            }

            @Override
            public long lastIndex() {
                return index;
            }

            @Override
            public long sizeOnDisk() {
                return 0;
            }

            @Override
            public void close() {
            }
        };
    }
}
