package dev.baton.tasks;

import java.util.Objects;

/**
 * Who holds a task's claim: the member id and the claim revision (the create revision of the
 * owner key, which is also the claim's fencing token). A higher revision means a more recent
 * claim, an order every member reads the same from the store.
 *
 * @param member        the id of the member holding the claim
 * @param claimRevision the create revision of the owner key, positive
 */
public record TaskOwner(String member, long claimRevision) {

    public TaskOwner {
        Objects.requireNonNull(member, "member");
        if (member.isEmpty()) {
            throw new IllegalArgumentException("member id must not be empty");
        }
        if (claimRevision < 1) {
            throw new IllegalArgumentException("claimRevision must be positive, is " + claimRevision);
        }
    }
}
