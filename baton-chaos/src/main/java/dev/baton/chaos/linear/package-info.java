/**
 * Per-key linearizability of a register history.
 *
 * <p><b>Model.</b> The register workload runs PUT, GET and compare-and-set on many keys; each key
 * is an independent register that starts absent, so each key is judged on its own (linearizability
 * is compositional). A history is linearizable when some total order of its operations respects
 * real time (an operation that returned strictly before another was invoked comes first;
 * operations whose intervals touch or overlap may go either way) and the register's sequential
 * specification (every GET returns the value then held, every CAS reports "true" exactly when
 * the value then held equals its expected value, null meaning absent). A FAILED operation never
 * took effect and is left out. An UNKNOWN operation may have taken effect at any instant after
 * its invocation, or never: it is treated as returning at +infinity, and its result constrains
 * nothing.
 *
 * <p><b>Search.</b> {@link dev.baton.chaos.linear.LinearizabilityChecker} first looks for a read
 * that needs a value no write could have produced in time (a proof that costs one pass), then runs
 * the Wing and Gong search with Lowe's improvements as porcupine does: call and return entries in
 * one linked list, linearized operations lifted out and relinked on backtrack, and every
 * (linearized set, register state) reached remembered so that no configuration is explored twice.
 * Each key gets a time budget; a search that outruns it answers UNKNOWN instead of running on.
 *
 * <p><b>Guarantees.</b> LINEARIZABLE and VIOLATION are exact for the model above; UNKNOWN means
 * only that the budget ran out. A VIOLATION's excerpt is a proof on its own: if the excerpt cannot
 * be linearized, the key's history cannot. It is minimal in this sense: it ends at the earliest
 * response that cannot be explained, starts at the latest instant (with no completed operation in
 * flight) from which the rest fails whatever the register held, and no read in it can be left out.
 * Writes in that window all stay, since leaving one out could invent a violation. Shortening an
 * excerpt takes at most one more budget; what is found when it runs out is still a proof.
 *
 * <p><b>Cost.</b> Linear-ish for histories a real register produces; exponential in the worst
 * case. Proving a violation means exhausting every order, and each UNKNOWN write still pending
 * doubles what there is to exhaust, so keep per-key histories short (hundreds of operations, by
 * moving to fresh keys) when the workload expects many timeouts.
 */
package dev.baton.chaos.linear;
