package dev.baton.server.store;

import java.util.List;

/**
 * The live keys of a range read.
 *
 * @param kvs the key-values found, in key order, at most the requested limit
 * @param count how many live keys the whole range holds, regardless of the limit
 * @param revision the revision of the view that answered (etcd's response header revision)
 */
public record RangeResult(List<KeyRevision> kvs, long count, long revision) {
}
