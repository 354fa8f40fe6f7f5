/**
 * The processes of a chaos run and the faults done to them. A
 * {@link dev.baton.chaos.fault.StoreTarget} is the store (a three-member etcd cluster, or the
 * embedded server in its own JVM); a {@link dev.baton.chaos.fault.Fleet} is the worker processes,
 * each behind its own TCP proxies so one worker can be cut off alone; a
 * {@link dev.baton.chaos.fault.Nemesis} injects one kind of fault and reports what it did as
 * {@link dev.baton.chaos.history.Fault}s. Every process is one this package started, signalled by
 * its own pid.
 */
package dev.baton.chaos.fault;
