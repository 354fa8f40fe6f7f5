package dev.baton.server.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The key space as the acknowledged writes say it must be: every acknowledged put, delete, txn
 * branch and lease revocation applied in order. A key bound to a lease may also vanish on its
 * own (the lease expires), so such a key must hold its value while present but may be absent.
 */
final class AcknowledgedWrites {
    private record Entry(ByteString value, long lease) {
    }

    private static final ByteString TO_THE_END = ByteString.copyFrom(new byte[] {0});

    private final NavigableMap<ByteString, Entry> keys = new TreeMap<>(ByteString.unsignedLexicographicalComparator());

    /** Applies {@code request}, which the server acknowledged with {@code response}. */
    void acknowledged(Message request, Message response) {
        if (request instanceof PutRequest put) {
            put(put);
        } else if (request instanceof DeleteRangeRequest delete) {
            delete(delete);
        } else if (request instanceof TxnRequest txn) {
            txn(txn, (TxnResponse) response);
        } else if (request instanceof LeaseRevokeRequest revoke) {
            keys.values().removeIf(e -> e.lease() == revoke.getID());
        }
    }

    private void put(PutRequest r) {
        Entry before = keys.get(r.getKey());
        ByteString value = r.getIgnoreValue() && before != null ? before.value() : r.getValue();
        long lease = r.getIgnoreLease() && before != null ? before.lease() : r.getLease();
        keys.put(r.getKey(), new Entry(value, lease));
    }

    private void delete(DeleteRangeRequest r) {
        ByteString end = r.getRangeEnd();
        if (end.isEmpty()) {
            keys.remove(r.getKey());
        } else if (end.equals(TO_THE_END)) {
            keys.tailMap(r.getKey(), true).clear();
        } else if (ByteString.unsignedLexicographicalComparator().compare(r.getKey(), end) < 0) {
            keys.subMap(r.getKey(), true, end, false).clear();
        }
    }

    /** The branch the response says ran, op by op; a nested txn follows its own response. */
    private void txn(TxnRequest r, TxnResponse response) {
        List<RequestOp> ops = response.getSucceeded() ? r.getSuccessList() : r.getFailureList();
        for (int i = 0; i < ops.size(); i++) {
            RequestOp op = ops.get(i);
            ResponseOp answer = response.getResponses(i);
            switch (op.getRequestCase()) {
                case REQUEST_PUT -> put(op.getRequestPut());
                case REQUEST_DELETE_RANGE -> delete(op.getRequestDeleteRange());
                case REQUEST_TXN -> txn(op.getRequestTxn(), answer.getResponseTxn());
                default -> {
                }
            }
        }
    }

    /**
     * Compares the store's whole key space with the model, drops the leased keys that are gone,
     * and returns what disagrees (empty when nothing does).
     */
    List<String> disagreements(List<KeyValue> stored) {
        List<String> problems = new ArrayList<>();
        Map<ByteString, KeyValue> byKey = new HashMap<>();
        for (KeyValue kv : stored) {
            byKey.put(kv.getKey(), kv);
            Entry expected = keys.get(kv.getKey());
            if (expected == null) {
                problems.add("key " + show(kv.getKey()) + " is stored but no acknowledged write left it there");
            } else if (!expected.value().equals(kv.getValue())) {
                problems.add("key " + show(kv.getKey()) + " holds " + show(kv.getValue()) + ", acknowledged "
                        + show(expected.value()));
            } else if (expected.lease() != kv.getLease()) {
                problems.add("key " + show(kv.getKey()) + " has lease " + kv.getLease() + ", acknowledged "
                        + expected.lease());
            }
        }
        for (Iterator<Map.Entry<ByteString, Entry>> it = keys.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ByteString, Entry> e = it.next();
            if (!byKey.containsKey(e.getKey())) {
                if (e.getValue().lease() != 0) {
                    it.remove();
                } else {
                    problems.add("key " + show(e.getKey()) + " was acknowledged with " + show(e.getValue().value())
                            + " and is lost");
                }
            }
        }
        return problems;
    }

    int size() {
        return keys.size();
    }

    private static String show(ByteString bytes) {
        if (bytes.size() > 40) {
            return show(bytes.substring(0, 40)) + "...(" + bytes.size() + " bytes)";
        }
        StringBuilder s = new StringBuilder("\"");
        for (byte b : bytes.toByteArray()) {
            int c = b & 0xff;
            s.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? String.valueOf((char) c)
                    : String.format("\\x%02x", c));
        }
        return s.append('"').toString();
    }
}
