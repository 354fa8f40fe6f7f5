package dev.baton.alloc;

/**
 * One member's place in an item's route.
 *
 * @param member the member's id
 * @param token  the create revision of the assignment key: orders the route (oldest first, so the
 *               primary first) and fences the member's writes for this assignment
 * @param status the status the member last wrote, empty until it writes one
 */
public record RouteEntry(String member, long token, String status) {

    public RouteEntry {
        Ids.check("route member id", member);
        if (token <= 0) {
            throw new IllegalArgumentException("token of member '" + member + "' must be positive, got " + token);
        }
        if (status == null) {
            throw new IllegalArgumentException("status of member '" + member + "' must not be null");
        }
    }
}
