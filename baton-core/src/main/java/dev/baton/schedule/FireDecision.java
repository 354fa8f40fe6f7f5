package dev.baton.schedule;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a timed schedule does at one instant: the fire times to create tasks for (oldest first),
 * the last fire time to store with them, the latest missed fire time it skipped, and when it is
 * due next.
 *
 * @param fires          the fire times that become tasks, ascending; empty when none is due
 * @param lastFire       the fire time to store as the schedule's last; present when any fire time
 *                       was due (fired or skipped), and then the latest of them
 * @param skippedThrough the latest due fire time the misfire policy skipped, when it skipped any
 * @param next           the first fire time after the decision's instant
 */
public record FireDecision(List<Instant> fires, Optional<Instant> lastFire, Optional<Instant> skippedThrough,
                           Optional<Instant> next) {

    public FireDecision {
        fires = List.copyOf(fires);
        Objects.requireNonNull(lastFire, "lastFire");
        Objects.requireNonNull(skippedThrough, "skippedThrough");
        Objects.requireNonNull(next, "next");
    }
}
