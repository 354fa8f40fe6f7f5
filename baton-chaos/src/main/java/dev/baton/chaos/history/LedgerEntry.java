package dev.baton.chaos.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * One accepted write of an owner: a ledger key that a task handler or a leader created in a
 * transaction fenced by its token. Ledger keys are never rewritten or deleted, so reading the
 * ledger at the end gives every accepted write, and its create revision orders it in the store.
 *
 * @param writer   whose write it is
 * @param subject  the task id, or the election's name for a leader
 * @param token    the fencing token the write was guarded by (claim or leadership)
 * @param member   the member id of the writing process incarnation
 * @param seq      the write's number within its run or term, from 0
 * @param last     true for the last write of a task run (the work is finished after it)
 * @param nanos    when the writer saw the write succeed
 * @param revision the store revision of the write
 */
public record LedgerEntry(Writer writer, String subject, long token, String member, int seq, boolean last,
                          long nanos, long revision) {

    /** Where ledger keys live. */
    public static final String PREFIX = "chaos/ledger/";

    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Writer { TASK, LEADER }

    public LedgerEntry {
        Objects.requireNonNull(writer, "writer");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(member, "member");
    }

    /**
     * The key of a write: unique as long as {@code unique} is unique within the writing member
     * (a task run again under the same claim writes new keys, never rewrites old ones).
     */
    public static String key(Writer writer, String subject, long token, String member, long unique) {
        return PREFIX + writer.name().toLowerCase() + "/" + subject + "/" + token + "-" + member + "-" + unique;
    }

    /** The value written at {@link #key}; the revision is the store's. */
    public static String value(Writer writer, String subject, long token, String member, int seq, boolean last,
                               long nanos) {
        ObjectNode node = JSON.createObjectNode();
        node.put("writer", writer.name()).put("subject", subject).put("token", token).put("member", member)
                .put("seq", seq).put("last", last).put("nanos", nanos);
        return node.toString();
    }

    /**
     * Reads an entry back from its stored value and the revision that created it.
     *
     * @throws IllegalArgumentException naming the value when it is not a ledger entry
     */
    public static LedgerEntry decode(String value, long revision) {
        try {
            JsonNode node = JSON.readTree(value);
            return new LedgerEntry(Writer.valueOf(node.path("writer").asText()), node.path("subject").asText(),
                    node.path("token").asLong(), node.path("member").asText(), node.path("seq").asInt(),
                    node.path("last").asBoolean(), node.path("nanos").asLong(), revision);
        } catch (IOException e) {
            throw new UncheckedIOException("ledger value " + value + " is not JSON", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("ledger value " + value + " is not a ledger entry", e);
        }
    }

    @Override
    public String toString() {
        return writer + " " + subject + " token " + token + " by " + member + " #" + seq + (last ? " (last)" : "")
                + " at revision " + revision + " t=" + nanos / 1_000_000 + "ms";
    }
}
