/**
 * ShedLock on Baton: {@link dev.baton.shedlock.BatonLockProvider} makes {@code @SchedulerLock}
 * jobs (and ShedLock's {@code LockingTaskExecutor}) run on Baton's fenced mutex, on the member's
 * session lease instead of a lease or a record per lock.
 *
 * <p><b>Guarantees.</b> Those of {@link dev.baton.lock.Mutex}: at most one instance holds a lock
 * name at a time, checked against its session's monotonic deadline; a holder whose process dies or
 * is cut off loses the lock when its lease expires (after the session TTL, however long
 * {@code lockAtMostFor} is); and a job whose lock was lost, released at {@code lockAtMostFor}, or
 * taken over, has its writes refused by the store when they carry
 * {@code BatonLockProvider.heldLock().orElseThrow().fence()}. What the fence cannot stop: side
 * effects outside the store, such as a mail sent or a file written; pass the token along to
 * systems that can check it. {@code lockAtLeastFor} is kept only while the session lives: a lock
 * whose instance dies inside that window is free once the lease expires.
 */
package dev.baton.shedlock;
