package dev.baton.alloc;

/**
 * One replica of an item held by one member. Ordered by item, then member.
 *
 * @param item   the item's id
 * @param member the member's id
 */
public record Assignment(String item, String member) implements Comparable<Assignment> {

    public Assignment {
        Ids.check("assignment item id", item);
        Ids.check("assignment member id", member);
    }

    @Override
    public int compareTo(Assignment other) {
        int byItem = item.compareTo(other.item);
        return byItem != 0 ? byItem : member.compareTo(other.member);
    }

    @Override
    public String toString() {
        return item + "@" + member;
    }
}
