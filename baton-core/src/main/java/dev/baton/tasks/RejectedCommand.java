package dev.baton.tasks;

import java.time.Instant;

/**
 * A command a member refused and deleted: unknown, malformed, or not applicable (a release of a
 * task it does not hold, a pause of a paused task).
 *
 * @param key     the command's key
 * @param command the stored value, quoted and cut to a bounded length
 * @param reason  why it was refused
 * @param at      when (the member's clock)
 */
public record RejectedCommand(String key, String command, String reason, Instant at) {
}
