package dev.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/** Lists of rows bounded in count and in bytes, so that every document the dashboard serves stays small. */
final class JsonRows {
    private JsonRows() {
    }

    /**
     * Adds {@code rows} to {@code into} in order until {@code maxRows} are in or the next would take
     * the rows past {@code maxBytes} of JSON (the first row always goes in).
     *
     * @return true when rows were left out
     */
    static boolean fill(ArrayNode into, Iterator<? extends JsonNode> rows, int maxRows, int maxBytes) {
        int bytes = 0;
        while (rows.hasNext()) {
            JsonNode row = rows.next();
            int size = row.toString().getBytes(StandardCharsets.UTF_8).length + 1;
            if (into.size() == maxRows || (!into.isEmpty() && bytes + size > maxBytes)) {
                return true;
            }
            into.add(row);
            bytes += size;
        }
        return false;
    }
}
