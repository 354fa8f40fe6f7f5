/**
 * Watches over the store's change log: who watches which keys from which revision, and the
 * delivery of their events in revision order, never twice and never with a gap.
 *
 * <p><b>Model.</b> A watcher is <em>synced</em> when everything up to the last published
 * revision has been handed to its stream; the writer then hands it each new revision's events
 * as it publishes them. A watcher that starts in the past, or whose stream's buffer was full
 * when events came, is <em>unsynced</em>: a background loop reads its missing revisions from
 * the change log, in bounded batches, until it has caught up, and then moves it back to the
 * synced set under the same lock the publisher takes, so no revision falls between the two
 * paths. A watcher whose next revision has been compacted away is told so (its
 * {@code compact_revision}) and cancelled, exactly as etcd does.
 *
 * <p>Streams apply back-pressure through their {@link dev.baton.server.watch.WatchSink}: the
 * buffer of event responses is bounded, control responses are not. The package is internal to
 * the server and not a public API.
 */
package dev.baton.server.watch;
