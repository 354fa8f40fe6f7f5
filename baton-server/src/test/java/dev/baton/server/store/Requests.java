package dev.baton.server.store;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;

/** Terse builders for the etcd requests the store tests send. */
final class Requests {
    private Requests() {
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static PutRequest put(String key, String value) {
        return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
    }

    static PutRequest put(String key, String value, long lease) {
        return put(key, value).toBuilder().setLease(lease).build();
    }

    static RangeRequest get(String key) {
        return RangeRequest.newBuilder().setKey(bytes(key)).build();
    }

    static RangeRequest range(String key, String end) {
        return RangeRequest.newBuilder().setKey(bytes(key)).setRangeEnd(bytes(end)).build();
    }

    static DeleteRangeRequest delete(String key) {
        return DeleteRangeRequest.newBuilder().setKey(bytes(key)).build();
    }

    static DeleteRangeRequest delete(String key, String end) {
        return DeleteRangeRequest.newBuilder().setKey(bytes(key)).setRangeEnd(bytes(end)).build();
    }

    static RequestOp op(PutRequest r) {
        return RequestOp.newBuilder().setRequestPut(r).build();
    }

    static RequestOp op(RangeRequest r) {
        return RequestOp.newBuilder().setRequestRange(r).build();
    }

    static RequestOp op(DeleteRangeRequest r) {
        return RequestOp.newBuilder().setRequestDeleteRange(r).build();
    }

    static RequestOp op(TxnRequest r) {
        return RequestOp.newBuilder().setRequestTxn(r).build();
    }

    static Compare.Builder compare(String key, Compare.CompareTarget target, Compare.CompareResult result) {
        return Compare.newBuilder().setKey(bytes(key)).setTarget(target).setResult(result);
    }
}
