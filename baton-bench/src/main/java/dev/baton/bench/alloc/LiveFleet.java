package dev.baton.bench.alloc;

import dev.baton.alloc.Assignment;
import dev.baton.alloc.Member;
import dev.baton.cache.CacheEntry;
import dev.baton.cache.CacheEvent;
import dev.baton.cache.KeyspaceCache;
import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.Guard;
import dev.baton.etcd.Operation;
import dev.baton.etcd.Operations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The members of one allocator namespace, simulated on the benchmark's connection so that
 * hundreds of them cost the machine no more than the store traffic they make: each member has a
 * lease and a member key ({@code <ns>alloc/members/<id>}, the JSON of docs/keyspace.md), and
 * reports every replica it is given "ready" after the readiness delay, as
 * {@code AllocatorMember.writeStatus} does: a put on the member's lease guarded by the
 * assignment's create revision. Reports that are due together go in transactions of up to
 * {@value #REPORTS_PER_TXN}, as members reporting at once would send them side by side.
 */
final class LiveFleet implements AutoCloseable {
    private static final int REPORTS_PER_TXN = 64;
    private static final Duration LEASE_TTL = Duration.ofMinutes(10);
    static final String READY = "ready";

    private record Report(String key, long createRevision, long lease) {
    }

    private final Etcd etcd;
    private final String namespace;
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final Map<String, Long> leases = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reporter;
    private final KeyspaceCache<String> assignments;
    private final AtomicLong created = new AtomicLong();
    private final List<Report> due = new ArrayList<>();
    private volatile Duration readinessDelay = Duration.ZERO;

    LiveFleet(Etcd etcd, String namespace) {
        this.etcd = etcd;
        this.namespace = namespace;
        this.reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "bench-alloc-fleet");
            thread.setDaemon(true);
            return thread;
        });
        this.assignments = KeyspaceCache.builder(etcd, assignmentPrefix(),
                        (key, value) -> new String(value, StandardCharsets.UTF_8))
                .listener(this::onEvent)
                .start();
    }

    /** How long a member takes to report a new replica ready. */
    void readinessDelay(Duration delay) {
        this.readinessDelay = delay;
    }

    /** Joins {@code member} on a lease of its own; returns the revision of its member key. */
    long join(Member member) throws Exception {
        long lease = etcd.grantLease(LEASE_TTL).get().id();
        leases.put(member.id(), lease);
        members.put(member.id(), member);
        return etcd.put(memberKey(member.id()), value(member), lease).get();
    }

    /** Marks {@code id} exiting, as a draining member does; returns the revision of the write. */
    long exit(String id) throws Exception {
        Member member = members.get(id);
        Member exiting = new Member(member.id(), member.zone(), member.capacity(), true);
        members.put(id, exiting);
        return etcd.put(memberKey(id), value(exiting), leases.get(id)).get();
    }

    /** Takes {@code id} away for good: its lease goes, and with it its member key. */
    void leave(String id) throws Exception {
        members.remove(id);
        etcd.revokeLease(leases.remove(id)).get();
    }

    /** The members now, exiting ones included. */
    Collection<Member> members() {
        return List.copyOf(members.values());
    }

    /** Assignment keys created since the fleet started. */
    long created() {
        return created.get();
    }

    /** The assignments as the fleet's cache holds them now. */
    List<Assignment> assignments() {
        return assignments.snapshot().stream().map(entry -> assignmentOf(entry.key())).toList();
    }

    /**
     * True when the store holds exactly {@code count} assignments, all reported ready, none on
     * {@code absent}, and the fleet has heard of every one of them.
     */
    boolean settled(long count, String absent) {
        if (assignments.pendingEvents() > 0) {
            return false;
        }
        long ready = 0;
        for (CacheEntry<String> entry : assignments.snapshot()) {
            if (!READY.equals(entry.value()) || assignmentOf(entry.key()).member().equals(absent)) {
                return false;
            }
            ready++;
        }
        return ready == count;
    }

    private void onEvent(CacheEvent<String> event) {
        if (event.kind() != CacheEvent.Kind.ADDED) {
            return;
        }
        created.incrementAndGet();
        Long lease = leases.get(assignmentOf(event.key()).member());
        if (lease == null || !event.newValue().isEmpty()) {
            return;
        }
        Report report = new Report(event.key(), event.modRevision(), lease);
        reporter.schedule(() -> enqueue(report), readinessDelay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs on the reporter: what falls due together is sent together, once the thread is free. */
    private void enqueue(Report report) {
        due.add(report);
        if (due.size() == 1) {
            reporter.execute(this::sendDue);
        }
    }

    private void sendDue() {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int from = 0; from < due.size(); from += REPORTS_PER_TXN) {
            List<Guard> guards = new ArrayList<>();
            List<Operation> puts = new ArrayList<>();
            for (Report report : due.subList(from, Math.min(due.size(), from + REPORTS_PER_TXN))) {
                guards.add(Compares.createRevisionIs(report.key(), report.createRevision()));
                puts.add(Operations.put(report.key(), READY.getBytes(StandardCharsets.UTF_8), report.lease()));
            }
            // One report whose assignment went meanwhile refuses its batch; report the others one by one.
            sent.add(etcd.txn(guards, puts, List.of()).thenCompose(result -> result.succeeded()
                    ? CompletableFuture.completedFuture(null) : oneByOne(guards, puts)));
        }
        due.clear();
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    }

    private CompletableFuture<Void> oneByOne(List<Guard> guards, List<Operation> puts) {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < guards.size(); i++) {
            sent.add(etcd.txn(List.of(guards.get(i)), List.of(puts.get(i)), List.of()));
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    private String assignmentPrefix() {
        return namespace + "alloc/assign/";
    }

    private String memberKey(String id) {
        return namespace + "alloc/members/" + id;
    }

    private Assignment assignmentOf(String key) {
        String path = key.substring(assignmentPrefix().length());
        int slash = path.indexOf('/');
        return new Assignment(path.substring(0, slash), path.substring(slash + 1));
    }

    private static byte[] value(Member member) {
        return String.format(Locale.ROOT, "{\"zone\":\"%s\",\"capacity\":%d,\"exiting\":%b}", member.zone(),
                member.capacity(), member.exiting()).getBytes(StandardCharsets.UTF_8);
    }

    /** Stops reporting, closes the cache and revokes every member's lease. */
    @Override
    public void close() throws Exception {
        reporter.shutdownNow();
        assignments.close();
        for (Long lease : leases.values()) {
            etcd.revokeLease(lease).get();
        }
    }
}
