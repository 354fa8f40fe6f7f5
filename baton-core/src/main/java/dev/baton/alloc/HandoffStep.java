package dev.baton.alloc;

/** One store change of a {@link HandoffPlan}, to be applied in plan order. */
public sealed interface HandoffStep {

    /** The assignment the step creates, marks or deletes. */
    Assignment assignment();

    /** Create the assignment: a new replica starts warming up. */
    record Add(Assignment assignment) implements HandoffStep {
    }

    /** Mark the assignment, a ready replica, as its item's primary, before the old primary is removed. */
    record Promote(Assignment assignment) implements HandoffStep {
    }

    /** Delete the assignment; the plan only contains it when the item stays safe without it. */
    record Remove(Assignment assignment) implements HandoffStep {
    }
}
