package dev.baton.alloc;

import dev.baton.alloc.PlannedChanges.Translation;
import dev.baton.alloc.TxnBatches.Batch;
import dev.baton.alloc.solver.AllocationSolver;
import dev.baton.cache.CacheSnapshot;
import dev.baton.cache.KeyspaceCache;
import dev.baton.election.LeaderService;
import dev.baton.election.Leadership;
import dev.baton.etcd.Backoff;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.session.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader side of an allocator namespace: campaigns in the namespace's election and, while it
 * leads, keeps the assignment at the solver's target through safe handoffs.
 *
 * <p>Each term mirrors the whole allocator keyspace ({@code <ns>alloc/}) in one
 * {@link KeyspaceCache}, so every round plans from one consistent revision. A round: build the
 * view (items, members, assignments with readiness from the {@link ReadinessCheck}), solve
 * ({@link AllocationSolver}) unless the last target still stands ({@code SolvedTarget}), plan
 * ({@link HandoffPlanner}) every step that is safe now, turn them into guarded changes, pack them
 * into transactions of at most {@code maxTxnOps} operations, send them fenced by the leadership,
 * then wait until the cache has seen the answers' revision. A round that wrote is followed at
 * once by the next; one that wrote nothing waits for news ({@code RoundTrigger}): an item or a
 * member written or gone, an assignment appearing or going, or a status report on an item whose
 * handoff waits for readiness. The leader never polls; the only timer is the backoff after a
 * refused or unanswered transaction.
 *
 * <p>Every transaction compares the leadership's fence and the mod revision of every key its
 * changes were decided on, so a deposed leader's transaction, or one planned on a state that has
 * changed since, is refused whole; the leader then plans again from fresh state. Writes are never
 * retried blindly: after an answer that did not come the leader reads the store's revision, waits
 * for its cache to reach it, and plans again.
 *
 * <p>Fixed items are created, if absent, at the start of every term.
 */
public final class Allocator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Allocator.class);

    private final Session session;
    private final Etcd etcd;
    private final AllocatorKeyspace keys;
    private final ReadinessCheck readiness;
    private final List<Item> fixedItems;
    private final int maxTxnOps;
    private final AssignmentWriter writer;
    private final Consumer<AllocationRound> roundListener;
    private final LeaderService service;
    private volatile AllocationRound lastRound;

    // Touched by the leader thread only: what was last logged, so each state is logged once.
    private SortedSet<String> loggedProblems = new TreeSet<>();
    private Boolean loggedConverged;
    private String loggedTrouble;

    private Allocator(Builder builder) {
        this.session = builder.session;
        this.etcd = session.etcd();
        this.keys = builder.keys;
        this.readiness = builder.readiness;
        this.fixedItems = List.copyOf(builder.fixedItems);
        this.maxTxnOps = builder.maxTxnOps;
        this.writer = new AssignmentWriter(etcd, builder.transactionsInFlight);
        this.roundListener = builder.roundListener;
        this.service = LeaderService.builder(session, keys.election(), builder.name)
                .longRunning(this::lead)
                .start();
    }

    /**
     * Starts building the allocator of {@code namespace} (a prefix ending in '/') on {@code session}.
     */
    public static Builder builder(Session session, String namespace) {
        return new Builder(Objects.requireNonNull(session, "session"), new AllocatorKeyspace(namespace));
    }

    /** True while this process leads the namespace's allocation. */
    public boolean isLeader() {
        return service.isLeader();
    }

    /** The last round this process ran as leader, if any. */
    public Optional<AllocationRound> lastRound() {
        return Optional.ofNullable(lastRound);
    }

    /** Resigns if leading, stops the work and the election loop. Idempotent and bounded. */
    @Override
    public void close() {
        service.close();
    }

    @Override
    public String toString() {
        return "Allocator[" + keys.namespace() + "]";
    }

    /** One term: runs rounds until the leadership is lost (the thread is then interrupted). */
    private void lead(Leadership leadership) throws InterruptedException {
        LOG.info("allocator of '{}' leads (token {})", keys.namespace(), leadership.token());
        createFixedItems();
        RoundTrigger trigger = new RoundTrigger();
        Backoff backoff = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(5));
        SolvedTarget target = null;
        try (KeyspaceCache<StoredRecord> cache = KeyspaceCache
                .builder(etcd, keys.root(), (key, value) -> StoredRecord.decode(keys, key, value))
                .listener(trigger::onEvent)
                .start()) {
            while (leadership.isValid()) {
                Round round = round(cache, leadership, target);
                target = round.target();
                lastRound = round.report();
                tell(round.report());
                if (round.report().refused() > 0) {
                    // Something changed under the plan, or the store did not answer: plan again, not at once.
                    TimeUnit.NANOSECONDS.sleep(backoff.next().toNanos());
                    continue;
                }
                backoff.reset();
                if (round.report().changes() == 0) {
                    trigger.awaitNews(round.report().revision(), round.awaited());
                }
            }
        } finally {
            loggedProblems = new TreeSet<>();
            loggedConverged = null;
            loggedTrouble = null;
            LOG.info("allocator of '{}' stops leading", keys.namespace());
        }
    }

    /**
     * One round and what the next one needs.
     *
     * @param awaited items whose handoff waits for a replica to report ready
     */
    private record Round(AllocationRound report, SolvedTarget target, Set<String> awaited) {
    }

    private Round round(KeyspaceCache<StoredRecord> cache, Leadership leadership, SolvedTarget last)
            throws InterruptedException {
        long started = System.nanoTime();
        CacheSnapshot<StoredRecord> snapshot = cache.snapshot();
        AllocatorView view = AllocatorView.of(snapshot.revision(), snapshot, snapshot.decodeErrors(), keys, readiness);
        long read = System.nanoTime();
        boolean solve = last == null || !last.standsFor(view);
        SolvedTarget solved = solve ? SolvedTarget.solve(view) : last;
        Allocation target = solved.allocation();
        long decided = System.nanoTime();
        HandoffPlan plan = HandoffPlanner.plan(view.items(), view.members(), view.current(), target.assignments());
        Translation translation = PlannedChanges.of(plan, target, view, keys, maxTxnOps);
        SortedSet<String> problems = new TreeSet<>(view.problems());
        translation.unsendable().forEach(item -> problems.add("the removals of item '" + item + "' need more ready"
                + " replicas guarded than a transaction of " + maxTxnOps + " operations holds; they wait"));
        logProblems(problems);
        List<Batch> batches = TxnBatches.pack(translation.changes(), maxTxnOps);
        long planned = System.nanoTime();

        AssignmentWriter.Outcome outcome = writer.apply(batches, leadership.fence(), leadership::isValid);
        long written = System.nanoTime();
        long seen = outcome.revision();
        String trouble = null;
        if (outcome.failure() != null) {
            trouble = "a transaction's outcome is unknown (" + outcome.failure() + "); reading the store back";
            seen = Math.max(seen, currentRevision());
        }
        if (seen > 0 && !cache.awaitRevision(seen, etcd.requestTimeout().multipliedBy(2))) {
            trouble = "the cache has not reached revision " + seen + " of its own writes in time";
        }
        long echoed = System.nanoTime();
        logTrouble(trouble);
        int waiting = plan.waitingAdds().size() + plan.waitingRemovals().size() + translation.deferred();
        boolean converged = plan.converged();
        logConvergence(converged, view, target, waiting);
        Set<String> awaited = new HashSet<>();
        plan.waitingRemovals().forEach(a -> awaited.add(a.item()));
        AllocationRound report = new AllocationRound(view.revision(), view.items().size(), view.members().size(),
                target.desiredReplicas(), target.placedReplicas(), view.current().size(), translation.changes().size(),
                waiting, outcome.committed() + outcome.refused(), outcome.refused() + (outcome.failure() != null ? 1 : 0),
                converged, solve, Duration.ofNanos(read - started), Duration.ofNanos(decided - read),
                Duration.ofNanos(planned - decided), Duration.ofNanos(written - planned),
                Duration.ofNanos(echoed - written));
        return new Round(report, solved, awaited);
    }

    private void tell(AllocationRound round) {
        try {
            roundListener.accept(round);
        } catch (RuntimeException e) {
            LOG.error("round listener of the allocator of '{}' failed on {}", keys.namespace(), round, e);
        }
    }

    /** The store's current revision, read linearizably; 0 when the store does not answer. */
    private long currentRevision() throws InterruptedException {
        try {
            return etcd.range(KeyRange.key(keys.election())).get().revision();
        } catch (ExecutionException e) {
            return 0;
        }
    }

    private void createFixedItems() throws InterruptedException {
        ItemCatalog catalog = ItemCatalog.of(etcd, keys.namespace());
        for (Item item : fixedItems) {
            try {
                if (catalog.createIfAbsent(item).get()) {
                    LOG.info("created fixed item '{}' with {} replicas", item.id(), item.replicas());
                }
            } catch (ExecutionException e) {
                LOG.warn("could not create fixed item '{}' ({}); the next term tries again", item.id(), Etcd.unwrap(e).toString());
            }
        }
    }

    private void logProblems(SortedSet<String> problems) {
        if (problems.equals(loggedProblems)) {
            return;
        }
        for (String problem : problems) {
            if (!loggedProblems.contains(problem)) {
                LOG.warn("allocator of '{}': {}", keys.namespace(), problem);
            }
        }
        loggedProblems = new TreeSet<>(problems);
    }

    /** Logs the first trouble of a streak, and its end; null means a round without trouble. */
    private void logTrouble(String trouble) {
        if (trouble != null && loggedTrouble == null) {
            LOG.warn("allocator of '{}': {}; planning again with backoff", keys.namespace(), trouble);
        } else if (trouble == null && loggedTrouble != null) {
            LOG.info("allocator of '{}': writes are seen again", keys.namespace());
        }
        loggedTrouble = trouble;
    }

    private void logConvergence(boolean converged, AllocatorView view, Allocation target, int waiting) {
        if (Boolean.valueOf(converged).equals(loggedConverged)) {
            return;
        }
        loggedConverged = converged;
        if (converged) {
            LOG.info("allocator of '{}' converged at revision {}: {} items, {} members, {} of {} replicas placed",
                    keys.namespace(), view.revision(), view.items().size(), view.members().size(),
                    target.placedReplicas(), target.desiredReplicas());
        } else {
            LOG.info("allocator of '{}' converging from revision {}: {} assignments to add, {} to remove, {} steps waiting",
                    keys.namespace(), view.revision(), target.added(), target.removed(), waiting);
        }
    }

    /** Builds an {@link Allocator}; every setting is validated and names the bad value. */
    public static final class Builder {
        private final Session session;
        private final AllocatorKeyspace keys;
        private ReadinessCheck readiness = ReadinessCheck.NON_EMPTY;
        private final List<Item> fixedItems = new ArrayList<>();
        private int maxTxnOps = 128;
        private int transactionsInFlight = 16;
        private String name = "allocator";
        private Consumer<AllocationRound> roundListener = round -> { };

        private Builder(Session session, AllocatorKeyspace keys) {
            this.session = session;
            this.keys = keys;
        }

        /** Decides from a status whether a replica is ready; default {@link ReadinessCheck#NON_EMPTY}. */
        public Builder readiness(ReadinessCheck readiness) {
            this.readiness = Objects.requireNonNull(readiness, "readiness");
            return this;
        }

        /** Items created at the start of every term unless an item of the same id exists. */
        public Builder fixedItems(Collection<Item> items) {
            items.forEach(item -> this.fixedItems.add(Objects.requireNonNull(item, "fixed item")));
            return this;
        }

        /**
         * The most compares, and the most operations, one transaction may carry: etcd's
         * {@code --max-txn-ops}, 128 by default. Lower it only to match a store configured lower.
         */
        public Builder maxTxnOps(int maxTxnOps) {
            if (maxTxnOps < 2) {
                throw new IllegalArgumentException("max txn ops must be at least 2, got " + maxTxnOps);
            }
            this.maxTxnOps = maxTxnOps;
            return this;
        }

        /**
         * Transactions of one round in flight at once; default 16. A placement writes hundreds of
         * transactions, and the store commits those in flight together, so a few in flight leave it
         * waiting on round trips.
         */
        public Builder transactionsInFlight(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("transactions in flight must be at least 1, got " + count);
            }
            this.transactionsInFlight = count;
            return this;
        }

        /** What other candidates see as this process's candidacy value; default {@code "allocator"}. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Told about every round this process runs as leader, on the leader's thread right after
         * the round; it must be quick. Default: nobody.
         */
        public Builder roundListener(Consumer<AllocationRound> listener) {
            this.roundListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Starts campaigning; the allocator works whenever this process leads. */
        public Allocator start() {
            return new Allocator(this);
        }
    }
}
