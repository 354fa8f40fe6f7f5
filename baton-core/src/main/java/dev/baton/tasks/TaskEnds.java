package dev.baton.tasks;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a listener about every task of a namespace that ends, as {@link TaskClient#onEnds}
 * promises: watches the puts of the tasks' records (etcd leaves the deletes out) from a read's
 * revision + 1 and hands over each done record's put. When the watch is compacted, ends may have
 * been missed: it reads the tasks again, hands over the done records written after the last one
 * it delivered (in revision order), and watches again from that read, so an end is told once
 * unless retention deleted it meanwhile.
 */
final class TaskEnds implements WatchListener, Watch {
    private static final Logger LOG = LoggerFactory.getLogger(TaskEnds.class);

    private final Etcd etcd;
    private final Keyspace keys;
    private final Consumer<TaskInfo> listener;
    // Guarded by this.
    private Watch watch;
    private boolean closed;
    /** The revision through which every change has been seen: the last event's, or a read's. */
    private volatile long delivered;

    private TaskEnds(Etcd etcd, Keyspace keys, Consumer<TaskInfo> listener) {
        this.etcd = etcd;
        this.keys = keys;
        this.listener = listener;
    }

    /** Tells the ends after {@code revision}, a revision the caller read. */
    static TaskEnds after(long revision, Etcd etcd, Keyspace keys, Consumer<TaskInfo> listener) {
        TaskEnds ends = new TaskEnds(etcd, keys, listener);
        ends.delivered = revision;
        ends.watchFrom(revision);
        return ends;
    }

    private synchronized void watchFrom(long revision) {
        if (!closed) {
            watch = etcd.watchPuts(KeyRange.prefix(keys.tasksPrefix()), revision + 1, this);
        }
    }

    @Override
    public void onEvents(List<WatchEvent> events) {
        for (WatchEvent event : events) {
            tell(event.kv());
            delivered = event.modRevision();
        }
    }

    @Override
    public void onCompacted(long compactRevision) {
        etcd.range(KeyRange.prefix(keys.tasksPrefix())).whenComplete((read, error) -> {
            if (error != null) {
                onFailed(error);
                return;
            }
            read.kvs().stream().filter(kv -> kv.modRevision() > delivered)
                    .sorted(Comparator.comparingLong(KeyValue::modRevision))
                    .forEach(this::tell);
            delivered = Math.max(delivered, read.revision());
            watchFrom(read.revision());
        });
    }

    @Override
    public void onFailed(Throwable cause) {
        LOG.warn("the watch of the task ends under {} failed; no more ends will be told", keys.namespace(),
                Etcd.unwrap(cause));
    }

    private void tell(KeyValue kv) {
        if (keys.parse(kv.key()) instanceof Keyspace.TaskKey key && key.part() == Keyspace.Part.DONE) {
            try {
                listener.accept(TaskTable.info(keys, key.task(), kv.modRevision(), List.of(kv)));
            } catch (RuntimeException e) {
                LOG.warn("the listener of task ends under {} failed on {}", keys.namespace(), key.task(), e);
            }
        }
    }

    @Override
    public synchronized long nextRevision() {
        return watch != null ? watch.nextRevision() : delivered + 1;
    }

    @Override
    public synchronized void requestProgress() {
        if (watch != null) {
            watch.requestProgress();
        }
    }

    /** Stops telling ends. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }
}
