package dev.baton.etcd;

/**
 * A lease etcd granted.
 *
 * @param id         the lease id
 * @param ttlSeconds the TTL etcd granted, which may exceed the one asked for (etcd's minimum TTL)
 */
public record LeaseGrant(long id, long ttlSeconds) {
}
