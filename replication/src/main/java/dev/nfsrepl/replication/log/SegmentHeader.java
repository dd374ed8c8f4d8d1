package dev.nfsrepl.replication.log;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The fixed 32-byte header at the start of every segment file:
 * <pre>
 *   header := magic:"NRLG" version:u8 kind:u8 epoch:u16le firstSeq:i64le baseTimeMicros:i64le
 *             reserved:u32le(0) crc:u32le           ; crc = CRC32C of the 28 bytes before it
 * </pre>
 * {@code kind} says what the log holds (journal, spill file, receive journal), so that one is never
 * opened as another. {@code baseTimeMicros} is the time the first record's delta is taken from.
 */
record SegmentHeader(int version, LogKind kind, int epoch, long firstSeq, long baseTimeMicros) {

    static final int SIZE = 32;
    private static final int MAGIC = 0x474C524E; // "NRLG" read little-endian

    ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).put((byte) version).put((byte) kind.code()).putShort((short) epoch)
                .putLong(firstSeq).putLong(baseTimeMicros).putInt(0);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, SIZE - 4);
        b.putInt((int) crc.getValue());
        return b.flip();
    }

    /** Decodes a header, or throws {@link IllegalArgumentException} saying what is wrong with it. */
    static SegmentHeader decode(ByteBuffer raw) {
        if (raw.remaining() < SIZE) {
            throw new IllegalArgumentException("header cut short: " + raw.remaining() + " of " + SIZE + " bytes");
        }
        ByteBuffer b = raw.slice().order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(b.duplicate().limit(SIZE - 4));
        if (b.getInt(0) != MAGIC) {
            throw new IllegalArgumentException("not a segment (bad magic)");
        }
        if ((int) crc.getValue() != b.getInt(SIZE - 4)) {
            throw new IllegalArgumentException("header checksum mismatch");
        }
        int version = b.get(4) & 0xff;
        LogKind kind = LogKind.of(b.get(5) & 0xff);
        int epoch = b.getShort(6) & 0xffff;
        return new SegmentHeader(version, kind, epoch, b.getLong(8), b.getLong(16));
    }
}
