package dev.baton.tasks;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's balancing: runs the pure {@link TaskPlanner} when the {@link PassScheduler} says,
 * asks the runs the plan gives up to release, sends the plan's claims down the
 * {@link ClaimPipeline}, and keeps the plan's {@link SpareClaims} for slots that free before the
 * next pass. Confined to the member's control thread.
 */
final class Balancing {

    private static final Logger LOG = LoggerFactory.getLogger(TaskMember.class);

    /** What balancing needs to know of the member around it. */
    interface Member {
        /** False while the member must not plan: closing, or applying its commands. */
        boolean mayPass();

        /**
         * True when the member may claim: not closing, its table loaded, registered on a lease
         * that is still valid (a lease past its deadline is given up first).
         */
        boolean ready();

        /** True while the member is frozen: it claims nothing. */
        boolean frozen();
    }

    /** The member's settings balancing works with. */
    record Limits(String member, int maxTasks, int claimAhead, ClaimWindow window) {
    }

    private final Limits limits;
    private final TaskPlanner planner;
    private final TaskTable table;
    private final MemberRuns runs;
    private final ClaimPipeline claims;
    private final Registration registration;
    private final ReleaseHoldOff holdOff;
    private final Clock clock;
    private final Member member;
    private final SpareClaims spares;
    private final PassScheduler passes;

    Balancing(Limits limits, TaskPlanner planner, TaskTable table, MemberRuns runs, ClaimPipeline claims,
              Registration registration, ReleaseHoldOff holdOff, ControlThread control, Clock clock, Member member) {
        this.limits = limits;
        this.planner = planner;
        this.table = table;
        this.runs = runs;
        this.claims = claims;
        this.registration = registration;
        this.holdOff = holdOff;
        this.clock = clock;
        this.member = member;
        this.spares = new SpareClaims(table, runs::holds, holdOff, clock, limits.window());
        this.passes = new PassScheduler(new Passes(), new PassPacing(PassPacing.MEMBER_MIN, PassPacing.MEMBER_MAX),
                control::schedule, System::nanoTime, clock);
    }

    Limits limits() {
        return limits;
    }

    /** Asks for a pass: at once when {@code urgent}, else paced. */
    void request(boolean urgent) {
        passes.request(urgent);
    }

    /** Forgets the last plan's spares: the fleet or the member changed so that they may be wrong. */
    void clearSpares() {
        spares.clear();
    }

    /** No pass after this one. */
    void stop() {
        passes.stop();
    }

    /** The member's side of {@link PassScheduler}. */
    private final class Passes implements PassScheduler.Member {
        @Override
        public boolean mayPass() {
            return member.mayPass() && claims.inFlight() == 0;
        }

        @Override
        public boolean pass() {
            return !member.ready() || Balancing.this.pass();
        }
    }

    /** Plans one pass and applies it; true when it found nothing to do. */
    private boolean pass() {
        TaskPlanner.Plan plan;
        try {
            plan = planner.plan(planInput());
        } catch (RuntimeException e) {
            LOG.error("member {}: balancer failed; keeping what it holds", limits.member(), e);
            return true;
        }
        spares.plan(plan.spares());
        LOG.debug("member {}: pass over {} live tasks: holds {}, releases {}, claims {}", limits.member(),
                table.entries().size(), runs.size(), plan.release().size(), plan.claim().size());
        plan.wakeAt().ifPresent(passes::wakeAt);
        for (TaskId task : plan.release()) {
            runs.get(task).requestRelease(StopReason.RELEASED, null);
        }
        claim(plan.claim());
        return plan.idle();
    }

    /**
     * A slot freed: claims the last plan's spares that are still unclaimed, at once, instead of
     * waiting for the next pass (which still comes, and corrects anything the spares got wrong).
     * True when it sent claims.
     */
    boolean claimSpares() {
        if (member.frozen() || !member.ready()) {
            return false;
        }
        List<TaskId> claim = spares.take(freeSlots());
        if (spares.halfUsed()) {
            request(true);
        }
        return claim(claim);
    }

    private boolean claim(List<TaskId> claim) {
        if (claim.isEmpty()) {
            return false;
        }
        claims.claim(claim, registration.lease(), i -> recordBytes(claim.get(i)));
        return true;
    }

    private TaskPlanner.Input planInput() {
        Set<String> members = new HashSet<>();
        for (TaskTable.Member other : table.members()) {
            if (!other.frozen() && other.problem() == null) {
                members.add(other.id());
            }
        }
        return new TaskPlanner.Input(limits.member(), registration.lease(), member.frozen(), members, table.entries(),
                runs.heldClaims(), holdOff.until(), Math.max(0, Math.min(freeSlots(), ClaimPipeline.MAX_PER_PASS)),
                SpareClaims.wanted(limits.maxTasks()), clock.instant(), limits.window());
    }

    /**
     * Tasks the member may take on now: what it may run and claim ahead, less what it runs (or
     * holds waiting to run), claims and still waits for.
     */
    private int freeSlots() {
        return limits.maxTasks() + limits.claimAhead() - runs.slotsTaken() - claims.inFlight();
    }

    private int recordBytes(TaskId task) {
        TaskTable.Entry entry = table.entry(task);
        return entry == null ? 0 : entry.recordBytes();
    }
}
