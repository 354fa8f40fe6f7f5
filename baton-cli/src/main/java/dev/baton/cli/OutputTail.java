package dev.baton.cli;

import java.nio.charset.StandardCharsets;

/**
 * The last {@code capacity} bytes written to it, as a ring; older bytes are dropped. Thread-safe:
 * one thread writes while others read snapshots.
 */
final class OutputTail {
    private final byte[] ring;
    private long written;

    OutputTail(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1 byte, got " + capacity);
        }
        this.ring = new byte[capacity];
    }

    synchronized void write(byte[] bytes, int offset, int length) {
        for (int i = 0; i < length; i++) {
            ring[(int) (written++ % ring.length)] = bytes[offset + i];
        }
    }

    /** Total bytes written, including the dropped ones. */
    synchronized long written() {
        return written;
    }

    /**
     * The kept bytes as UTF-8 text; a character cut at the start of the ring decodes as the
     * replacement character.
     */
    synchronized String text() {
        int kept = (int) Math.min(written, ring.length);
        byte[] out = new byte[kept];
        long start = written - kept;
        for (int i = 0; i < kept; i++) {
            out[i] = ring[(int) ((start + i) % ring.length)];
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
