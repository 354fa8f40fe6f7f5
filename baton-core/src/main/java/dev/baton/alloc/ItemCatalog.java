package dev.baton.alloc;

import dev.baton.etcd.Compares;
import dev.baton.etcd.Etcd;
import dev.baton.etcd.KeyRange;
import dev.baton.etcd.Operations;
import dev.baton.etcd.TxnResult;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The items of an allocator namespace: {@code <ns>alloc/items/<id>} → {@code {"replicas":N}},
 * bound to no lease. Anyone may write them, at any time; the leader picks every change up. Each
 * method is one request, never retried (a timeout fails the future); {@link #createIfAbsent} may
 * be repeated safely, since it changes nothing once the item exists.
 */
public final class ItemCatalog {

    private final Etcd etcd;
    private final AllocatorKeyspace keys;

    private ItemCatalog(Etcd etcd, AllocatorKeyspace keys) {
        this.etcd = etcd;
        this.keys = keys;
    }

    /**
     * The items under {@code namespace} (a prefix ending in '/').
     *
     * @throws IllegalArgumentException naming the namespace when it is not such a prefix
     */
    public static ItemCatalog of(Etcd etcd, String namespace) {
        return new ItemCatalog(Objects.requireNonNull(etcd, "etcd"), new AllocatorKeyspace(namespace));
    }

    /** Creates {@code item} unless an item of its id exists; yields whether it created it. */
    public CompletableFuture<Boolean> createIfAbsent(Item item) {
        String key = keys.item(item.id());
        return etcd.txn(List.of(Compares.absent(key)), List.of(Operations.put(key, StoredValues.item(item), 0)), List.of())
                .thenApply(TxnResult::succeeded);
    }

    /** Creates {@code item} or changes its replicas; yields the store revision of the write. */
    public CompletableFuture<Long> put(Item item) {
        return etcd.put(keys.item(item.id()), StoredValues.item(item), 0);
    }

    /**
     * Deletes the item; the leader then removes its assignments. Yields whether it existed.
     *
     * @throws IllegalArgumentException naming the id when it is not a valid item id
     */
    public CompletableFuture<Boolean> delete(String id) {
        String key = keys.item(id);
        return etcd.txn(List.of(Compares.present(key)), List.of(Operations.delete(KeyRange.key(key))), List.of())
                .thenApply(TxnResult::succeeded);
    }
}
