package dev.baton.chaos.history;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one worker incarnation's keyspace cache delivered, and, for an incarnation that lived to
 * the quiet end of the run, its final contents.
 *
 * @param member       the member id of the incarnation
 * @param events       every event, in delivery order
 * @param quiesced     true when the incarnation reported its contents at quiescence
 * @param reportedAfter how many of {@code events} had been delivered when it reported
 * @param revision     the cache's revision at that report (0 when not final)
 * @param contents     key → digest of the value at that report (empty when not final)
 * @param store        key → digest of the value the store held at that revision (empty when not final)
 */
public record CacheReport(String member, List<CacheLine> events, boolean quiesced, int reportedAfter, long revision,
                          Map<String, String> contents, Map<String, String> store) {

    public CacheReport {
        Objects.requireNonNull(member, "member");
        events = List.copyOf(events);
        contents = Map.copyOf(contents);
        store = Map.copyOf(store);
    }
}
