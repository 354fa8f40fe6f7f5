package dev.baton.server.wal;

import dev.baton.server.store.Effect;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The framing of log records: {@code [payload length: int][CRC-32C of payload: int][payload]},
 * the payload being the record number, its position in the batch it was written with (0 for the
 * batch's first record), the effect count and the effects. The position tells recovery which
 * records were written with a later batch, and so after the batch before them was forced.
 */
final class LogRecords {
    static final int FRAME_HEADER_BYTES = 8;
    static final int MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;

    /** The smallest payload: a record number, a position in its batch and an effect count. */
    private static final int MIN_PAYLOAD_BYTES = 8 + 4 + 4;

    /** A decoded record. */
    record Record(long index, List<Effect> effects) {
    }

    /** An intact record found at {@code offset}, and the first record of the batch it was written with. */
    record Found(long offset, long index, long batchFirstIndex) {
    }

    private final ByteArrayOutputStream payload = new ByteArrayOutputStream(256);
    private final DataOutputStream payloadOut = new DataOutputStream(payload);

    /** Appends the framed record to {@code frames}; {@code batchFirstIndex} is the first record of its batch. */
    void encode(long index, long batchFirstIndex, List<Effect> effects, DataOutputStream frames) throws IOException {
        payload.reset();
        payloadOut.writeLong(index);
        payloadOut.writeInt(Math.toIntExact(index - batchFirstIndex));
        payloadOut.writeInt(effects.size());
        for (Effect e : effects) {
            EffectCodec.write(payloadOut, e);
        }
        payloadOut.flush();
        CRC32C crc = new CRC32C();
        byte[] bytes = payload.toByteArray();
        crc.update(bytes);
        frames.writeInt(bytes.length);
        frames.writeInt((int) crc.getValue());
        frames.write(bytes);
    }

    static boolean checksumMatches(byte[] payload, int crc) {
        CRC32C c = new CRC32C();
        c.update(payload);
        return (int) c.getValue() == crc;
    }

    static Record decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        long index = in.readLong();
        int position = in.readInt();
        if (position < 0 || position >= index) {
            throw new IOException("position in batch " + position + " out of range for record " + index);
        }
        int count = in.readInt();
        if (count < 0) {
            throw new IOException("negative effect count " + count);
        }
        List<Effect> effects = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            effects.add(EffectCodec.read(in));
        }
        if (in.available() != 0) {
            throw new IOException(in.available() + " unexpected trailing bytes");
        }
        return new Record(index, effects);
    }

    /**
     * The first intact record in {@code bytes} (frames from a damaged point on, whose record
     * boundaries are unknown) that was written with a later batch than record {@code missing}:
     * numbered above it and in a batch whose first record is also above it. Every offset is tried
     * as the start of a frame; a frame counts only when its record number and position are
     * plausible and its checksum matches.
     */
    static Found firstOfALaterBatch(ByteBuffer bytes, long missing) {
        long maxIndex = missing + bytes.remaining() / (FRAME_HEADER_BYTES + MIN_PAYLOAD_BYTES);
        for (int at = bytes.position(); at + FRAME_HEADER_BYTES + MIN_PAYLOAD_BYTES <= bytes.limit(); at++) {
            int length = bytes.getInt(at);
            if (length < MIN_PAYLOAD_BYTES || length > bytes.limit() - at - FRAME_HEADER_BYTES) {
                continue;
            }
            long index = bytes.getLong(at + FRAME_HEADER_BYTES);
            int position = bytes.getInt(at + FRAME_HEADER_BYTES + 8);
            if (index <= missing || index > maxIndex || position < 0 || position >= index) {
                continue;
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes.slice(at + FRAME_HEADER_BYTES, length));
            if ((int) crc.getValue() != bytes.getInt(at + 4)) {
                continue;
            }
            long batchFirstIndex = index - position;
            if (batchFirstIndex > missing) {
                return new Found(at - bytes.position(), index, batchFirstIndex);
            }
        }
        return null;
    }
}
