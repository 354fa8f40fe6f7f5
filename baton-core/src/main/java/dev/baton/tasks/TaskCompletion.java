package dev.baton.tasks;

import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.KeyValue;
import dev.baton.etcd.RangeResult;
import dev.baton.etcd.Watch;
import dev.baton.etcd.WatchEvent;
import dev.baton.etcd.WatchListener;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Waits for one task to be retired, as {@link TaskClient#whenDone} promises: reads the task and,
 * unless it is done already, watches its records from that read's revision + 1. The done record's
 * put completes the wait with what it holds: the final state and the task's spec. The spec's
 * delete without it (the task was deleted, or retired in a revision the watch delivers in two
 * parts) and a compacted watch both
 * lead to reading the task again and starting over from that read, so no end is missed and none
 * is guessed. Completing or cancelling the future closes the watch.
 */
final class TaskCompletion implements WatchListener {
    private final Etcd etcd;
    private final Keyspace keys;
    private final TaskWrites writes;
    private final TaskId task;
    private final CompletableFuture<TaskInfo> done = new CompletableFuture<>();
    // Guarded by this.
    private Watch watch;

    private TaskCompletion(Etcd etcd, Keyspace keys, TaskWrites writes, TaskId task) {
        this.etcd = etcd;
        this.keys = keys;
        this.writes = writes;
        this.task = task;
    }

    static CompletableFuture<TaskInfo> of(Etcd etcd, Keyspace keys, TaskWrites writes, TaskId task) {
        TaskCompletion completion = new TaskCompletion(etcd, keys, writes, task);
        completion.done.whenComplete((info, error) -> completion.closeWatch());
        completion.readThenWatch();
        return completion.done;
    }

    private void readThenWatch() {
        writes.readTask(task).whenComplete((read, error) -> {
            if (error != null) {
                done.completeExceptionally(Etcd.unwrap(error));
            } else if (read.kvs().isEmpty()) {
                done.completeExceptionally(new NoSuchTaskException(task,
                        "no task " + Excerpt.of(task.value()) + " to wait for: it does not exist"));
            } else {
                TaskInfo info = info(read.revision(), read.kvs());
                if (info.done()) {
                    done.complete(info);
                } else {
                    watchFrom(read);
                }
            }
        });
    }

    private synchronized void watchFrom(RangeResult read) {
        if (!done.isDone()) {
            watch = etcd.watch(KeyRange.prefix(keys.taskPrefix(task)), read.revision() + 1, this);
        }
    }

    private synchronized void closeWatch() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }

    @Override
    public void onEvents(List<WatchEvent> events) {
        for (WatchEvent event : events) {
            if (event.type() == WatchEvent.Type.PUT && event.key().equals(keys.done(task))) {
                done.complete(info(event.modRevision(), List.of(event.kv())));
                return;
            }
        }
        for (WatchEvent event : events) {
            if (event.type() == WatchEvent.Type.DELETE && event.key().equals(keys.spec(task))) {
                closeWatch();
                readThenWatch();
                return;
            }
        }
    }

    @Override
    public void onCompacted(long compactRevision) {
        closeWatch();
        readThenWatch();
    }

    @Override
    public void onFailed(Throwable cause) {
        done.completeExceptionally(cause);
    }

    private TaskInfo info(long revision, Collection<KeyValue> records) {
        return TaskTable.info(keys, task, revision, records);
    }
}
