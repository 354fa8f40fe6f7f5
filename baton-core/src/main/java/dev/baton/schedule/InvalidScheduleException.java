package dev.baton.schedule;

/**
 * A schedule, trigger, cron expression, zone, misfire policy or stored schedule record that
 * cannot be used; the message names the bad field and value and the rule it breaks.
 */
public final class InvalidScheduleException extends IllegalArgumentException {

    InvalidScheduleException(String message) {
        super(message);
    }
}
