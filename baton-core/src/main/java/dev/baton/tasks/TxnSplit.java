package dev.baton.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Splits work into transactions that etcd accepts. Pure.
 *
 * <p>etcd refuses a transaction with more than {@code --max-txn-ops} operations (128 by
 * default) in its compare list or in either branch, and a request larger than
 * {@code --max-request-bytes} (1.5 MiB by default). A caller knows how many operations one item
 * puts into each list and estimates the bytes it adds to the request (keys, values and a few
 * bytes of framing per operation), so it passes the most items one transaction may hold and the
 * byte budget.
 */
final class TxnSplit {

    /** etcd's default {@code --max-txn-ops}: the most operations in a compare list or a branch. */
    static final int MAX_TXN_OPS = 128;
    /** etcd's default {@code --max-request-bytes}. */
    static final int MAX_REQUEST_BYTES = 1536 * 1024;
    /** What a request costs besides its operations: header, framing, and a margin for the estimate. */
    static final int REQUEST_OVERHEAD_BYTES = 4096;
    /** The framing one operation adds to a request besides its key and value, rounded up. */
    static final int OPERATION_OVERHEAD_BYTES = 32;

    private TxnSplit() {
    }

    /**
     * Cuts {@code items}, in order, into consecutive batches of at most {@code maxItems} items
     * whose {@code bytes} add up to at most {@code maxBytes} less {@link #REQUEST_OVERHEAD_BYTES}.
     * An item that alone exceeds the budget is a batch of its own (the store judges it).
     */
    static <T> List<List<T>> split(List<T> items, ToIntFunction<T> bytes, int maxItems, int maxBytes) {
        if (maxItems < 1) {
            throw new IllegalArgumentException("a transaction must hold at least 1 item, got " + maxItems);
        }
        if (maxBytes <= REQUEST_OVERHEAD_BYTES) {
            throw new IllegalArgumentException("a request budget must exceed " + REQUEST_OVERHEAD_BYTES + " bytes, got "
                    + maxBytes);
        }
        long budget = maxBytes - REQUEST_OVERHEAD_BYTES;
        List<List<T>> batches = new ArrayList<>();
        List<T> open = new ArrayList<>();
        long used = 0;
        for (T item : items) {
            int size = bytes.applyAsInt(item);
            if (!open.isEmpty() && (open.size() == maxItems || used + size > budget)) {
                batches.add(List.copyOf(open));
                open.clear();
                used = 0;
            }
            open.add(item);
            used += size;
        }
        if (!open.isEmpty()) {
            batches.add(List.copyOf(open));
        }
        return batches;
    }
}
