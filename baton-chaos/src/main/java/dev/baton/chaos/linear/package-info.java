/**
 * Per-key linearizability of a register history.
 *
 * <p>The register workload runs PUT, GET and compare-and-set on many keys; each key is an
 * independent register that starts absent. {@link dev.baton.chaos.linear.LinearizabilityChecker}
 * decides, key by key, whether some total order of the operations respects both real time (an
 * operation that completed before another was invoked comes first) and the register's sequential
 * specification (every observed result is what the register held at that point).
 */
package dev.baton.chaos.linear;
