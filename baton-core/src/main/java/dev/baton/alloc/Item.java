package dev.baton.alloc;

/**
 * A unit of work to be held by {@code replicas} distinct members at once.
 *
 * @param id       the item's id: not blank, no '/'
 * @param replicas the desired number of replicas, zero or more
 */
public record Item(String id, int replicas) {

    public Item {
        Ids.check("item id", id);
        if (replicas < 0) {
            throw new IllegalArgumentException("item '" + id + "' replicas must be >= 0, got " + replicas);
        }
    }
}
