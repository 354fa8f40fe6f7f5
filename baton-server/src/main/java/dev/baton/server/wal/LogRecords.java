package dev.baton.server.wal;

import dev.baton.server.store.Effect;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The framing of log records: {@code [payload length: int][CRC-32C of payload: int][payload]},
 * the payload being the record number, the effect count and the effects.
 */
final class LogRecords {
    static final int FRAME_HEADER_BYTES = 8;
    static final int MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;

    /** A decoded record. */
    record Record(long index, List<Effect> effects) {
    }

    private final ByteArrayOutputStream payload = new ByteArrayOutputStream(256);
    private final DataOutputStream payloadOut = new DataOutputStream(payload);

    /** Appends the framed record to {@code frames}. */
    void encode(long index, List<Effect> effects, DataOutputStream frames) throws IOException {
        payload.reset();
        payloadOut.writeLong(index);
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
}
