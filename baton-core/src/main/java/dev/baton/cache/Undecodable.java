package dev.baton.cache;

/**
 * Stands in a {@link Slot} for a value the decoder rejected. Package-private, so no decoder can
 * produce one and it is never mistaken for a decoded value.
 */
record Undecodable(DecodeError error) {
}
