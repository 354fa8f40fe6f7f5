package dev.baton.tasks;

import dev.baton.session.Session;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a member gives up what it holds when its session's lease is lost, closed under it, or past
 * its local deadline: every handler is told to stop ({@link StopReason#SESSION_LOST}) and every
 * claim is void, once per lease. Confined to the member's control thread.
 */
final class LeaseLoss {

    private static final Logger LOG = LoggerFactory.getLogger(TaskMember.class);

    private final String member;
    private final Session session;
    private final Registration registration;
    private final MemberRuns runs;
    private long lostLease;
    private int losses;

    LeaseLoss(String member, Session session, Registration registration, MemberRuns runs) {
        this.member = member;
        this.session = session;
        this.registration = registration;
        this.runs = runs;
    }

    /**
     * Rule 3 from this side: news from the store can arrive (after a pause of the process, say)
     * before the session's timer has declared the lease lost; the claims are void either way.
     */
    void checkDeadline() {
        long lease = registration.lease();
        if (lease != 0 && !session.isValid() && session.lease() == lease) {
            lose(lease, "is past its deadline");
        }
    }

    /** Gives up everything held on {@code lease}, which {@code what} (e.g. "lost"); nothing when it was given up already. */
    void lose(long lease, String what) {
        if (lease == lostLease) {
            return;
        }
        lostLease = lease;
        registration.lost();
        losses++;
        List<TaskRun> lost = runs.all();
        for (TaskRun run : lost) {
            run.lose(StopReason.SESSION_LOST);
        }
        LOG.warn("member {}: session lease {} {}; told {} handlers to stop, their claims are void and fenced",
                member, Long.toHexString(lease), what, lost.size());
    }

    /** Leases lost so far. */
    int count() {
        return losses;
    }
}
