package dev.baton.bench.tasks;

import dev.baton.bench.BenchRun;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.session.Session;
import dev.baton.tasks.AsyncTaskHandler;
import dev.baton.tasks.MemberCommand;
import dev.baton.tasks.SubmitAllResult;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskId;
import dev.baton.tasks.TaskMember;
import dev.baton.tasks.TaskProperties;
import dev.baton.tasks.TaskStoppedException;
import dev.baton.tasks.TaskSubmission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Task members in this JVM, each with its own connection and session (TTL 10 s), on one etcd and
 * one namespace. Each handler start is counted and timed; then the handler does the fleet's
 * {@link Work}: by default it blocks until told to stop, so every claimed task stays running.
 * Closed (members first) when the scenario ends.
 */
final class TaskFleet implements AutoCloseable {
    static final Duration SESSION_TTL = Duration.ofSeconds(10);
    static final String NAMESPACE = "bench/";

    /** What a handler does once its start is counted. */
    enum Work {
        /** Waits (without a thread) until the task is told to stop: a claimed task stays running. */
        HOLD,
        /**
         * Returns at once: the task completes and is retired. Members claim ahead as many tasks
         * as they run, so the next ones are claimed while these finish.
         */
        NONE
    }

    private final BenchRun run;
    private final String endpoint;
    private final int capacity;
    private final Work work;
    private final Etcd etcd;
    private final Map<String, TaskMember> members = new LinkedHashMap<>();
    private final Map<String, List<AutoCloseable>> resources = new LinkedHashMap<>();
    private final AtomicInteger started = new AtomicInteger();
    private final ConcurrentLinkedQueue<Long> startNanos = new ConcurrentLinkedQueue<>();

    /** A fleet on {@code endpoint} whose members may each run up to {@code capacity} tasks and hold them. */
    TaskFleet(BenchRun run, String endpoint, int capacity) {
        this(run, endpoint, capacity, Work.HOLD);
    }

    /** A fleet on {@code endpoint} whose members may each run up to {@code capacity} tasks, doing {@code work}. */
    TaskFleet(BenchRun run, String endpoint, int capacity, Work work) {
        this.run = run;
        this.endpoint = endpoint;
        this.capacity = capacity;
        this.work = work;
        this.etcd = connect(endpoint);
        run.closeAtEnd(this);
    }

    /** A connection of the benchmark's own, with a timeout generous enough for a loaded etcd. */
    static Etcd connect(String endpoint) {
        Etcd etcd = Etcd.builder().endpoints(endpoint).requestTimeout(Duration.ofSeconds(30)).build();
        etcd.get(NAMESPACE).join();
        return etcd;
    }

    /** The benchmark's own connection (not a member's). */
    Etcd etcd() {
        return etcd;
    }

    /** The store's current revision: every put, delete and successful txn moves it. */
    long revision() {
        return etcd.range(KeyRange.key(NAMESPACE)).join().revision();
    }

    /** Starts members {@code <prefix>1} to {@code <prefix><count>} side by side. */
    void startMembers(String prefix, int count) throws Exception {
        ExecutorService starters = Executors.newFixedThreadPool(count, r -> new Thread(r, "bench-member-start"));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                String id = prefix + i;
                done.add(starters.submit(() -> startMember(id)));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            starters.shutdownNow();
        }
    }

    void startMember(String id) {
        Etcd connection = connect(endpoint);
        Session session = Session.builder(connection).ttl(SESSION_TTL).open();
        TaskMember member = TaskMember.builder(session, id).namespace(NAMESPACE).maxConcurrentTasks(capacity)
                .claimAhead(work == Work.NONE ? capacity : 0).stopTimeout(Duration.ofSeconds(30))
                .asyncHandler(handler()).start();
        synchronized (this) {
            members.put(id, member);
            resources.put(id, List.of(member, session, connection));
        }
    }

    /**
     * The members' handler: counts and times the start, then does the fleet's work. It does not
     * block: a held task waits for its stop without a thread, as a member holding many tasks
     * should run them.
     */
    private AsyncTaskHandler handler() {
        return context -> {
            started.incrementAndGet();
            startNanos.add(System.nanoTime());
            if (work == Work.NONE) {
                return CompletableFuture.completedFuture(null);
            }
            return context.whenStopRequested().thenCompose(reason ->
                    CompletableFuture.failedFuture(new TaskStoppedException(context.id(), reason)));
        };
    }

    /** Stops a member gracefully: it releases its tasks and revokes its session. */
    void stopMember(String id) throws Exception {
        List<AutoCloseable> toClose;
        synchronized (this) {
            members.remove(id);
            toClose = resources.remove(id);
        }
        for (AutoCloseable resource : toClose) {
            resource.close();
        }
    }

    /** The running members, in the order they started. */
    synchronized List<TaskMember> members() {
        return List.copyOf(members.values());
    }

    /**
     * Sends {@code command} to every member through the store and waits until each reports
     * {@code frozen} as asked (a member busy claiming may take several asks to answer).
     */
    void sendToAll(MemberCommand command, boolean frozen) throws InterruptedException {
        TaskClient client = TaskClient.create(etcd, NAMESPACE);
        List<TaskMember> all = members();
        for (TaskMember member : all) {
            client.send(member.id(), command);
        }
        run.await("every member " + (frozen ? "frozen" : "unfrozen"), Duration.ofMinutes(1),
                () -> all.stream().allMatch(m -> reports(m, frozen)));
    }

    /** True when {@code member} reports {@code frozen} as asked; false while it is too busy to answer. */
    private static boolean reports(TaskMember member, boolean frozen) {
        try {
            return member.status().frozen() == frozen;
        } catch (IllegalStateException busy) {
            return false;
        }
    }

    /**
     * Unfreezes every member and waits (up to {@code timeout}) until {@code tasks} handlers have
     * started; returns when each started, in seconds since the unfreeze commands were sent.
     */
    double[] claimAll(int tasks, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        sendToAll(new MemberCommand.Unfreeze(), false);
        run.await(tasks + " handlers started", timeout, () -> started() >= tasks);
        return startNanos().stream().mapToDouble(n -> (n - start) / 1e9).toArray();
    }

    /** Handler starts so far. */
    int started() {
        return started.get();
    }

    /** When each handler started ({@link System#nanoTime()}), in no particular order. */
    List<Long> startNanos() {
        return List.copyOf(startNanos);
    }

    /**
     * What each member holds, from the members themselves (polling a range of tens of thousands
     * of keys would load the store); empty when a member is too busy to answer in time.
     */
    Map<String, Integer> holdings() {
        Map<String, Integer> held = new LinkedHashMap<>();
        for (TaskMember member : members()) {
            try {
                held.put(member.id(), member.status().tasks().size());
            } catch (IllegalStateException busy) {
                return Map.of();
            }
        }
        return held;
    }

    /** True when the members hold {@code total} tasks between them, each ⌊N/M⌋ or ⌈N/M⌉. */
    boolean balanced(int total) {
        Map<String, Integer> held = holdings();
        int count = members().size();
        int floor = total / count;
        int ceiling = (total + count - 1) / count;
        return held.size() == count && held.values().stream().mapToInt(Integer::intValue).sum() == total
                && held.values().stream().allMatch(n -> n == floor || n == ceiling);
    }

    /** Submits {@code count} tasks {@code <prefix>-00000}... in one {@code submitAll}; returns the seconds taken. */
    double submit(String prefix, int count, Instant notBefore) {
        return submit(TaskClient.create(etcd, NAMESPACE), prefix, count, notBefore);
    }

    static double submit(TaskClient client, String prefix, int count, Instant notBefore) {
        List<TaskSubmission> submissions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            submissions.add(TaskSubmission.of(TaskId.of(String.format("%s-%05d", prefix, i)), TaskProperties.empty(),
                    notBefore));
        }
        long start = System.nanoTime();
        SubmitAllResult result = client.submitAll(submissions);
        if (!result.allSubmitted()) {
            throw new IllegalStateException("tasks already in the namespace: " + result.duplicates());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Stops every member side by side (each releases its tasks), then the benchmark's connection. */
    @Override
    public void close() throws Exception {
        List<String> ids = members().stream().map(TaskMember::id).toList();
        ExecutorService stoppers = Executors.newFixedThreadPool(Math.max(1, ids.size()),
                r -> new Thread(r, "bench-member-stop"));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String id : ids) {
                done.add(stoppers.submit(() -> {
                    stopMember(id);
                    return null;
                }));
            }
            for (int i = 0; i < ids.size(); i++) {
                try {
                    done.get(i).get();
                } catch (ExecutionException e) {
                    run.progress("stopping member %s failed: %s", ids.get(i), e.getCause());
                }
            }
        } finally {
            stoppers.shutdownNow();
            etcd.close();
        }
    }
}
