/**
 * An embedded, durable, single-node server that speaks the etcd v3 gRPC API with etcd 3.4's
 * semantics. The public API is {@link dev.baton.server.EmbeddedEtcd} (with its builder) and
 * {@link dev.baton.server.StartupException}; everything else is internal.
 *
 * <p><b>Model.</b> gRPC services ({@code KvService}, {@code WatchService}, {@code LeaseService},
 * {@code MaintenanceService}, {@code ClusterService}) translate calls to the state machine of
 * {@link dev.baton.server.store}. Reads run on the calling transport thread at the published
 * revision. Writes go to the {@code CommitPipeline}, a single writer that applies them in
 * arrival order, makes their effects durable in the {@link dev.baton.server.wal} journal with
 * one sync per batch, and only then publishes them to readers and to the
 * {@link dev.baton.server.watch} hub and answers. A background loop revokes expired leases
 * through the same writer.
 *
 * <p><b>Guarantees.</b> An acknowledged write is durable (on the device with fsync on) and is
 * seen by every later read and watch; nothing a crash could lose is ever visible. Responses and
 * errors are etcd's, field for field, as the differential tests against real etcd check.
 */
package dev.baton.server;
