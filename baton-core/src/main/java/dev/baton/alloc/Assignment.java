package dev.baton.alloc;

import java.util.Comparator;

/**
 * One replica of an item held by one member. Ordered by item, then member.
 *
 * @param item   the item's id
 * @param member the member's id
 */
public record Assignment(String item, String member) implements Comparable<Assignment> {

    private static final Comparator<Assignment> ORDER =
            Comparator.comparing(Assignment::item).thenComparing(Assignment::member);

    public Assignment {
        Ids.check("assignment item id", item);
        Ids.check("assignment member id", member);
    }

    @Override
    public int compareTo(Assignment other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return item + "@" + member;
    }
}
