package dev.baton.server.differential;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchRequest;

/** Terse builders for the requests the differential tests send, including fields jetcd's classes lack. */
final class Requests {
    private Requests() {
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static PutRequest.Builder put(String key, String value) {
        return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value));
    }

    static RangeRequest.Builder get(String key) {
        return RangeRequest.newBuilder().setKey(bytes(key));
    }

    static RangeRequest.Builder range(String key, String end) {
        return RangeRequest.newBuilder().setKey(bytes(key)).setRangeEnd(bytes(end));
    }

    static DeleteRangeRequest.Builder delete(String key) {
        return DeleteRangeRequest.newBuilder().setKey(bytes(key));
    }

    static DeleteRangeRequest.Builder delete(String key, String end) {
        return delete(key).setRangeEnd(bytes(end));
    }

    static RequestOp op(PutRequest.Builder r) {
        return RequestOp.newBuilder().setRequestPut(r).build();
    }

    static RequestOp op(RangeRequest.Builder r) {
        return RequestOp.newBuilder().setRequestRange(r).build();
    }

    static RequestOp op(DeleteRangeRequest.Builder r) {
        return RequestOp.newBuilder().setRequestDeleteRange(r).build();
    }

    static RequestOp op(TxnRequest.Builder r) {
        return RequestOp.newBuilder().setRequestTxn(r).build();
    }

    static Compare.Builder compare(String key, Compare.CompareTarget target, Compare.CompareResult result) {
        return Compare.newBuilder().setKey(bytes(key)).setTarget(target).setResult(result);
    }

    /** A compare of the key's lease (target 4, operand field 8), which jetcd's classes lack. */
    static Compare leaseCompare(String key, Compare.CompareResult result, long lease) {
        return compare(key, Compare.CompareTarget.VERSION, result).setTargetValue(4)
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(8, UnknownFieldSet.Field.newBuilder().addVarint(lease).build()).build())
                .build();
    }

    static WatchRequest watch(WatchCreateRequest.Builder create) {
        return WatchRequest.newBuilder().setCreateRequest(create).build();
    }

    /** A create request with a client-chosen watch ID (field 7, which jetcd's classes lack). */
    static WatchRequest watch(WatchCreateRequest.Builder create, long watchId) {
        return WatchRequest.newBuilder().setCreateRequest(create.setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(7, UnknownFieldSet.Field.newBuilder().addVarint(watchId).build()).build())).build();
    }

    static WatchCreateRequest.Builder watchRange(String key, String end) {
        return WatchCreateRequest.newBuilder().setKey(bytes(key)).setRangeEnd(bytes(end));
    }
}
