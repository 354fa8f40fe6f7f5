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
import java.util.ArrayList;
import java.util.List;

/**
 * Logs every event a keyspace cache delivers, one {@link CacheLine} per line, flushed at once so a
 * killed process leaves every delivered event on disk. At quiescence it writes the cache's
 * contents to a second file: a first line {@code <revision> <events logged so far>}, then one line
 * {@code <key> <digest>} per entry.
 */
public final class CacheLog implements CacheListener<String>, AutoCloseable {

    /** The contents file of the log at {@code events}. */
    public static Path snapshotFile(Path events) {
        return events.resolveSibling(events.getFileName() + ".snapshot");
    }

    private final Path file;
    private final BufferedWriter out;
    private int logged;

    CacheLog(Path file) {
        this.file = file;
        try {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cache log " + file, e);
        }
    }

    @Override
    public synchronized void onEvent(CacheEvent<String> event) {
        String key = event.key() == null ? CacheLine.NONE : event.key();
        try {
            out.write(new CacheLine(event.kind().name(), key, event.modRevision(), CacheLine.digest(event.oldValue()),
                    CacheLine.digest(event.newValue())).format());
            out.newLine();
            out.flush();
            logged++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cache log " + file, e);
        }
    }

    /**
     * Writes the cache's contents with the number of events logged so far; call once its listener
     * queue is empty and its revision still. Returns the snapshot's revision.
     */
    synchronized long snapshot(KeyspaceCache<String> cache) {
        var snapshot = cache.snapshot();
        List<String> lines = new ArrayList<>();
        lines.add(snapshot.revision() + " " + logged);
        for (CacheEntry<String> entry : snapshot) {
            lines.add(entry.key() + " " + CacheLine.digest(entry.value()));
        }
        try {
            Files.write(snapshotFile(file), lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cache snapshot of " + file, e);
        }
        return snapshot.revision();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
