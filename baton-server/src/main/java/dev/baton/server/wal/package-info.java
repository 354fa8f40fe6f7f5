/**
 * Durability of the embedded server: a write-ahead log of {@link dev.baton.server.store.Effect}s
 * with group commit, periodic snapshots that bound restart time, and recovery.
 *
 * <p><b>Layout of a data directory.</b> {@code LOCK} is held (an OS file lock) by the one
 * server using the directory. {@code snap-<index>.snap} is the whole state after log record
 * {@code index}; {@code wal-<index>.log} holds the records from {@code index} on, followed by the
 * zeros it was extended with ahead of them. Every record and every snapshot carries a CRC-32C.
 *
 * <p><b>Guarantees.</b> A write is acknowledged only after its record has been written and,
 * with fsync on, forced to the device; records are numbered consecutively and replayed in
 * order, so recovery rebuilds exactly the acknowledged state (and possibly writes whose
 * acknowledgement was lost in a crash). A record that cannot be read in the last log file (cut
 * short, a header still zero, a checksum mismatch), after which no intact record of a later batch
 * follows, is what a crash during the last batch's write leaves behind: that batch was never
 * forced, so it is dropped from there with a warning. Damage followed by a later batch (so the
 * damaged record was acknowledged), and damage anywhere else, stops start-up with a message
 * naming the file and offset. A failed sync (a full disk) is undone before anything else is
 * written: the log file is cut back to the end of the last synced record, so what the failed
 * write left cannot be replayed, and the records of the failed batch are forgotten. The package
 * is internal to the server
 * and not a public API.
 */
package dev.baton.server.wal;
