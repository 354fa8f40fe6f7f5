package dev.baton.chaos.workload;

import dev.baton.cache.CacheEntry;
import dev.baton.cache.CacheEvent;
import dev.baton.cache.CacheListener;
import dev.baton.cache.KeyspaceCache;
import dev.baton.chaos.history.CacheLine;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Logs every event a keyspace cache delivers, one {@link CacheLine} per line, flushed at once so a
 * killed process leaves every delivered event on disk. At quiescence it appends the cache's
 * contents after a {@code SNAPSHOT <revision>} line.
 */
final class CacheLog implements CacheListener<String>, AutoCloseable {

    static final String SNAPSHOT = "SNAPSHOT";

    private final BufferedWriter out;

    CacheLog(Path file) {
        try {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cache log " + file, e);
        }
    }

    @Override
    public synchronized void onEvent(CacheEvent<String> event) {
        String key = event.key() == null ? CacheLine.NONE : event.key();
        write(new CacheLine(event.kind().name(), key, event.modRevision(), CacheLine.digest(event.oldValue()),
                CacheLine.digest(event.newValue())).format());
    }

    /** Appends the cache's contents; call once its listener queue is empty and its revision still. */
    synchronized void snapshot(KeyspaceCache<String> cache) {
        var snapshot = cache.snapshot();
        write(SNAPSHOT + " " + snapshot.revision());
        for (CacheEntry<String> entry : snapshot) {
            write(entry.key() + " " + CacheLine.digest(entry.value()));
        }
    }

    private void write(String line) {
        try {
            out.write(line);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cache log", e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
