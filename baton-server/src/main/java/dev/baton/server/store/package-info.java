/**
 * The state machine of the embedded server: a multi-version key-value store with etcd's
 * revision rules, a lease table, and the request semantics of etcd 3.4's KV and Lease APIs.
 *
 * <p><b>Model.</b> Every write that changes at least one key advances the store's revision by
 * one; all keys changed by that write carry the new revision as their {@code mod_revision}.
 * Each key keeps its history as a list of {@link dev.baton.server.store.KeyRevision}s (puts and
 * tombstones). A key's {@code create_revision} is the revision of the put that started its
 * current life and its {@code version} counts the puts since then; a delete ends the life.
 * Compaction at revision {@code C} forgets every revision below {@code C} that is not needed to
 * read the store at {@code C} or later. A lease owns the keys put with it; revoking it deletes
 * them all in one revision.
 *
 * <p><b>Threads.</b> One writer thread calls the mutating methods of
 * {@link dev.baton.server.store.StoreState}; any number of threads read concurrently, each at a
 * fixed revision no newer than the last one published by the writer, without locks. Readers
 * never observe a write that has not been published.
 *
 * <p><b>Purity.</b> Nothing here does I/O or knows about gRPC servers: requests and responses
 * are the etcd protobuf messages, errors are {@link dev.baton.server.store.EtcdError}s carrying
 * etcd's status codes and messages, and time comes from an injected monotonic clock. The
 * package is internal to the server and not a public API.
 */
package dev.baton.server.store;
