package dev.baton.election;

import dev.baton.etcd.Backoff;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.SerialExecutor;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows who leads an election: one read of the candidates, then one watch of {@code <prefix>/}
 * from the revision after it. The candidates are mirrored locally, so each change is decided
 * without another read; a compacted or failed watch is replaced by a fresh read and watch, and only
 * a real difference is reported. Followers keep one of these to know where to forward requests.
 */
public final class LeaderObserver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderObserver.class);

    private final Etcd etcd;
    private final ElectionPrefix keys;
    private final LeaderListener listener;
    private final SerialExecutor events;
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

    // Confined to the events queue.
    private final Map<String, KeyValue> candidates = new HashMap<>();
    private Watch watch;
    private int generation;
    private boolean notified;
    private boolean failing;

    private volatile Optional<Leader> current = Optional.empty();
    private volatile boolean closed;

    private LeaderObserver(Etcd etcd, ElectionPrefix keys, LeaderListener listener) {
        this.etcd = etcd;
        this.keys = keys;
        this.listener = listener;
        this.events = new SerialExecutor(etcd.callbackExecutor());
    }

    static LeaderObserver start(Etcd etcd, ElectionPrefix keys, LeaderListener listener) {
        LeaderObserver observer = new LeaderObserver(etcd, keys, listener);
        observer.events.execute(observer::load);
        return observer;
    }

    /** The leader as last reported to the listener; empty before the first report or when nobody leads. */
    public Optional<Leader> current() {
        return current;
    }

    private void load() {
        if (closed) {
            return;
        }
        etcd.range(KeyRange.prefix(keys.candidates())).whenCompleteAsync(this::onLoaded, events);
    }

    private void onLoaded(RangeResult snapshot, Throwable error) {
        if (closed) {
            return;
        }
        if (error != null) {
            if (!failing) {
                LOG.warn("reading the candidates of election \"{}\" failed ({}); retrying with backoff", keys,
                        Etcd.unwrap(error).toString());
                failing = true;
            }
            CompletableFuture.delayedExecutor(backoff.next().toMillis(), TimeUnit.MILLISECONDS, events).execute(this::load);
            return;
        }
        if (failing) {
            LOG.info("observing election \"{}\" again", keys);
            failing = false;
        }
        candidates.clear();
        snapshot.kvs().forEach(kv -> candidates.put(kv.key(), kv));
        report();
        int watchGeneration = ++generation;
        watch = etcd.watch(KeyRange.prefix(keys.candidates()), snapshot.revision() + 1, new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> batch) {
                events.execute(() -> onChanges(watchGeneration, batch));
            }

            @Override
            public void onCompacted(long compactRevision) {
                events.execute(() -> reload(watchGeneration));
            }

            @Override
            public void onFailed(Throwable cause) {
                events.execute(() -> {
                    if (!failing) {
                        LOG.warn("watching election \"{}\" failed ({}); reloading with backoff", keys, cause.toString());
                        failing = true;
                    }
                    CompletableFuture.delayedExecutor(backoff.next().toMillis(), TimeUnit.MILLISECONDS, events)
                            .execute(() -> reload(watchGeneration));
                });
            }
        });
    }

    private void onChanges(int watchGeneration, List<WatchEvent> batch) {
        if (closed || watchGeneration != generation) {
            return;
        }
        backoff.reset();
        // A batch may span several revisions; each revision is reported on its own, so a value
        // proclaimed just before a resignation is not skipped.
        for (int i = 0; i < batch.size(); i++) {
            WatchEvent event = batch.get(i);
            if (event.type() == WatchEvent.Type.PUT) {
                candidates.put(event.key(), event.kv());
            } else {
                candidates.remove(event.key());
            }
            if (i == batch.size() - 1 || batch.get(i + 1).modRevision() != event.modRevision()) {
                report();
            }
        }
    }

    private void reload(int watchGeneration) {
        if (closed || watchGeneration != generation) {
            return;
        }
        watch.close();
        watch = null;
        load();
    }

    private void report() {
        Optional<Leader> leader = CandidateOrder.leader(candidates.values()).map(Leader::of);
        Optional<Leader> previous = current;
        boolean same = leader.isPresent() == previous.isPresent() && leader.map(l -> l.key().equals(previous.get().key())
                && l.modRevision() == previous.get().modRevision()).orElse(true);
        if (notified && same) {
            return;
        }
        notified = true;
        current = leader;
        listener.onLeaderChange(leader);
    }

    /** Stops observing: once this returns, no new listener call starts. Idempotent. */
    @Override
    public void close() {
        closed = true;
        events.execute(() -> {
            if (watch != null) {
                watch.close();
                watch = null;
            }
        });
    }
}
