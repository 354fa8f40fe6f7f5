package dev.baton.server.differential;

import com.google.protobuf.TextFormat;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One watch stream, recording what it receives in a form two servers can be compared on: per
 * watch ID, its control responses (with their header revision) and its events one by one. How
 * events are grouped into responses, and the header revision of event responses, are left out:
 * etcd does not specify them.
 */
final class WatchRecorder implements AutoCloseable {
    private final Map<Long, List<String>> entries = new LinkedHashMap<>();
    private final StreamObserver<WatchRequest> requests;

    WatchRecorder(Target target) {
        this.requests = target.watch().watch(new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse response) {
                record(response);
            }

            @Override
            public void onError(Throwable t) {
                synchronized (entries) {
                    entries.put(Long.MIN_VALUE, List.of("stream failed: " + t));
                }
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    synchronized void send(WatchRequest request) {
        requests.onNext(request);
    }

    private void record(WatchResponse r) {
        synchronized (entries) {
            List<String> forWatch = entries.computeIfAbsent(r.getWatchId(), id -> new ArrayList<>());
            long revision = r.getHeader().getRevision();
            if (r.getCreated()) {
                forWatch.add(r.getCanceled() ? "refused at " + revision + ": " + r.getCancelReason()
                        : "created at " + revision);
            } else if (r.getCompactRevision() != 0) {
                forWatch.add("compacted at " + r.getCompactRevision() + (r.getCanceled() ? ", cancelled" : "")
                        + " (header revision " + revision + ")");
            } else if (r.getCanceled()) {
                forWatch.add("cancelled at " + revision);
            } else if (r.getEventsCount() == 0) {
                forWatch.add("progress at " + revision);
            } else {
                for (Event e : r.getEventsList()) {
                    forWatch.add(TextFormat.shortDebugString(e));
                }
            }
        }
    }

    /** A copy of what each watch received so far, in order. */
    Map<Long, List<String>> byWatch() {
        Map<Long, List<String>> copy = new LinkedHashMap<>();
        synchronized (entries) {
            entries.forEach((id, list) -> copy.put(id, new ArrayList<>(list)));
        }
        return copy;
    }

    /** True when watch {@code id} has received an event for {@code key} at {@code revision}. */
    static boolean sawEvent(Map<Long, List<String>> byWatch, long id, String key, long revision) {
        String needle = "key: \"" + key + "\"";
        return byWatch.getOrDefault(id, List.of()).stream()
                .anyMatch(e -> e.contains(needle) && e.contains("mod_revision: " + revision + " "));
    }

    @Override
    public synchronized void close() {
        try {
            requests.onCompleted();
        } catch (RuntimeException ignored) {
            // The stream may already have failed; nothing is left to close then.
        }
    }
}
