package dev.baton.schedule;

/** A schedule that was named does not exist. */
public final class NoSuchScheduleException extends RuntimeException {

    NoSuchScheduleException(String name) {
        super("no schedule named \"" + name + "\"");
    }
}
