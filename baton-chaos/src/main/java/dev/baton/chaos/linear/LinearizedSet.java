package dev.baton.chaos.linear;

/**
 * A set of operation indexes, as a bitset with a hash kept up to date on every change (each
 * member contributes a fixed pseudo-random word, combined by XOR), so that remembering a search
 * configuration costs no pass over the bits.
 */
final class LinearizedSet {

    private final long[] words;
    private long hash;

    LinearizedSet(int size) {
        words = new long[(size + 63) >>> 6];
    }

    void add(int index) {
        long bit = 1L << index;
        if ((words[index >>> 6] & bit) == 0) {
            words[index >>> 6] |= bit;
            hash ^= scramble(index);
        }
    }

    void remove(int index) {
        long bit = 1L << index;
        if ((words[index >>> 6] & bit) != 0) {
            words[index >>> 6] &= ~bit;
            hash ^= scramble(index);
        }
    }

    /** The live bits: callers that keep them must copy them. */
    long[] words() {
        return words;
    }

    long hash() {
        return hash;
    }

    /** SplitMix64's finalizer: distinct indexes get well-spread words. */
    private static long scramble(int index) {
        long z = index * 0x9E3779B97F4A7C15L + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
