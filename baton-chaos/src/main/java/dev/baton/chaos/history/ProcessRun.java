package dev.baton.chaos.history;

import java.util.Objects;

/**
 * One run of a command task by a {@code baton worker}, as its own processes recorded it: the run's
 * task, its claim token and shell pid, and the first and last of the heartbeats a process of the
 * run's group wrote while it lived (wall-clock nanoseconds, one machine).
 *
 * @param task      the task id
 * @param token     the claim token the run was started under
 * @param pid       the pid of the run's shell
 * @param firstBeat the first heartbeat
 * @param lastBeat  the last heartbeat, at or after the first
 */
public record ProcessRun(String task, long token, long pid, long firstBeat, long lastBeat) {

    public ProcessRun {
        Objects.requireNonNull(task, "task");
        if (lastBeat < firstBeat) {
            throw new IllegalArgumentException("run " + pid + " of " + task + " ends (" + lastBeat
                    + ") before it starts (" + firstBeat + ")");
        }
    }

    @Override
    public String toString() {
        return task + " token " + token + " pid " + pid + " alive [" + firstBeat / 1_000_000 + ", "
                + lastBeat / 1_000_000 + "] ms";
    }
}
