package dev.baton.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.cache.CacheEntry;
import dev.baton.cache.CacheSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The allocator's items × members grid as the dashboard shows it, read from one snapshot of the
 * keyspace ({@code <ns>alloc/}, see {@code docs/keyspace.md}): per member how many items it holds
 * as primary and as replica and how many of those are ready, and a bounded list of items with
 * their routes (primary first, the oldest assignment). An assignment is ready when its status is
 * not empty, the allocator's default readiness check.
 *
 * <p>The totals cover every item; the rows do not: at most {@value #MAX_ROWS} items, and
 * {@value #MAX_ROWS_BYTES} bytes of JSON, are listed,
 * those that need attention first (fewer assignments than replicas, or an assignment not ready),
 * then by id, so a large allocation stays a small document and what is wrong with it shows first.
 * Statuses are cut at {@value #STATUS_CHARS} characters and routes at {@value #MAX_ROUTE} members.
 */
final class AllocationGrid {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_ROWS = 100;
    static final int MAX_ROWS_BYTES = 32 * 1024;
    static final int MAX_ROUTE = 40;
    static final int STATUS_CHARS = 32;

    private record Assignment(String member, String status) {
        boolean ready() {
            return !status.isEmpty();
        }
    }

    private record Item(String id, int replicas, List<Assignment> route) {
        boolean needsAttention() {
            return route.size() < replicas || route.stream().anyMatch(a -> !a.ready());
        }
    }

    private AllocationGrid() {
    }

    private static ObjectNode row(Item item) {
        ObjectNode row = JSON.createObjectNode().put("id", item.id()).put("replicas", item.replicas())
                .put("assigned", item.route().size());
        ArrayNode route = row.putArray("route");
        item.route().stream().limit(MAX_ROUTE).forEach(a -> route.addObject().put("member", a.member())
                .put("ready", a.ready()).put("status", TaskPages.head(a.status(), STATUS_CHARS)));
        return row;
    }

    /** The grid of the allocation under {@code namespace} in {@code snap}. */
    static ObjectNode of(CacheSnapshot<String> snap, String namespace) {
        String itemPrefix = namespace + "alloc/items/";
        String memberPrefix = namespace + "alloc/members/";
        String assignPrefix = namespace + "alloc/assign/";
        Map<String, Item> items = new TreeMap<>();
        snap.stream(itemPrefix).forEach(entry -> items.put(entry.key().substring(itemPrefix.length()),
                new Item(entry.key().substring(itemPrefix.length()), FleetView.parse(entry.value()).path("replicas").asInt(),
                        new ArrayList<>())));
        Map<String, int[]> members = new TreeMap<>();
        snap.stream(memberPrefix).map(entry -> entry.key().substring(memberPrefix.length()))
                .forEach(member -> members.put(member, new int[3]));
        snap.stream(assignPrefix).sorted(Comparator.comparingLong(CacheEntry::createRevision)).forEach(entry -> {
            String[] parts = entry.key().substring(assignPrefix.length()).split("/");
            Item item = items.get(parts[0]);
            if (parts.length == 2 && item != null) {
                Assignment assignment = new Assignment(parts[1], entry.value());
                int[] held = members.computeIfAbsent(assignment.member(), m -> new int[3]);
                held[item.route().isEmpty() ? 0 : 1]++;
                held[2] += assignment.ready() ? 1 : 0;
                item.route().add(assignment);
            }
        });
        ObjectNode grid = JSON.createObjectNode().put("items", items.size())
                .put("needingAttention", items.values().stream().filter(Item::needsAttention).count());
        ArrayNode columns = grid.putArray("members");
        members.forEach((member, held) -> columns.addObject().put("name", member)
                .put("primary", held[0]).put("replica", held[1]).put("ready", held[2]));
        JsonRows.fill(grid.putArray("rows"), items.values().stream()
                .sorted(Comparator.comparing((Item item) -> !item.needsAttention()).thenComparing(Item::id))
                .map(AllocationGrid::row).iterator(), MAX_ROWS, MAX_ROWS_BYTES);
        return grid;
    }
}
