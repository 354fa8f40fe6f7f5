/**
 * The checkers: pure functions from a recorded history to the violations it holds. Each one
 * takes values from {@code dev.baton.chaos.history}, returns a
 * {@link dev.baton.chaos.check.CheckResult} naming what it checked and, for each violation, the
 * smallest part of the history that shows it. None does I/O or reads a clock, so each is proven
 * on hand-made good and bad histories in its tests.
 */
package dev.baton.chaos.check;
