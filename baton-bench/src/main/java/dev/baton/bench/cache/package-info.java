/**
 * The {@code cache} scenario: Baton's {@code KeyspaceCache} next to Apache Curator's
 * {@code CuratorCache} on ZooKeeper, the cache a ZooKeeper user would put in front of the same
 * keys. Both caches run in the benchmark's JVM and their stores in processes of their own (etcd,
 * and ZooKeeper in a child JVM), so the benchmark's heap holds only the caches.
 *
 * <p>Two figures: heap per key, the heap in use after full collections with the cache loaded minus
 * the same before it started ({@link dev.baton.bench.cache.CacheHeap}); and put → listener
 * latency, one acknowledged write at a time to an existing key, to the cache's listener running
 * for it ({@link dev.baton.bench.cache.Propagation}). Both stores fsync every write.
 */
package dev.baton.bench.cache;
