package dev.baton.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * What a live member stores under {@code members/<member>} on its session lease:
 * {@code {"frozen":false}}. Other members leave a frozen member out of their balancing, so its
 * share of the tasks goes to those still claiming.
 *
 * @param frozen whether the member has stopped claiming tasks
 */
record MemberRecord(boolean frozen) {

    private static final Set<String> FIELDS = Set.of("frozen");
    private static final int MAX_ENCODED_BYTES = 1024;

    String encode() {
        ObjectNode node = JsonCodec.newObject();
        node.put("frozen", frozen);
        return JsonCodec.write(node);
    }

    static MemberRecord decode(String json) {
        return new MemberRecord(JsonRecord.parse("member record", json, MAX_ENCODED_BYTES, FIELDS).requireBoolean("frozen"));
    }
}
