/**
 * Spring Integration on Baton: {@link dev.baton.spring.integration.BatonLockRegistry} is a
 * {@code LockRegistry} (and {@code RenewableLockRegistry}) whose locks are Baton's fenced mutexes on
 * the member's session, so {@code LockRegistryLeaderInitiator} and Spring Integration's lock-based
 * components coordinate through etcd.
 *
 * <p><b>Guarantees.</b> Those of {@link dev.baton.lock.Mutex}, per key: at most one JVM holds the
 * mutex at a time, checked against its session's monotonic deadline, and a holder whose process
 * dies or is cut off loses it when its lease expires. Inside a JVM a {@code ReentrantLock} decides
 * which thread holds it. {@link dev.baton.spring.integration.BatonLock#heldLock()} gives the hold's
 * fencing token and {@code fence()}: a Spring component cannot stop a thread that lost its lock in
 * the middle of its work, but the store refuses that thread's fenced writes.
 */
package dev.baton.spring.integration;
