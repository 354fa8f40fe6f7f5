package dev.baton.tasks;

import java.util.List;
import java.util.Objects;

/**
 * One live member as the store shows it.
 *
 * @param id       the member id
 * @param frozen   whether it has stopped claiming (a freeze command)
 * @param lease    the session lease its keys are bound to
 * @param tasks    the tasks it holds claims on, with their claim tokens, in id order
 * @param problems a message when its record does not decode; empty when valid
 */
public record MemberInfo(String id, boolean frozen, long lease, List<Claim> tasks, List<String> problems) {

    public MemberInfo {
        Objects.requireNonNull(id, "id");
        tasks = List.copyOf(tasks);
        problems = List.copyOf(problems);
    }

    /**
     * A claim held by the member.
     *
     * @param task  the task
     * @param token the claim token: the create revision of the task's owner key
     */
    public record Claim(TaskId task, long token) {
    }
}
