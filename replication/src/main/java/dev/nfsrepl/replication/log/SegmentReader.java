package dev.nfsrepl.replication.log;

import dev.nfsrepl.replication.record.OpCodec;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.RecordFrame;
import dev.nfsrepl.replication.record.RecordFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Reads the framed records of one segment file in order, from a given position up to a limit,
 * checking each frame's CRC32C and decoding its body. Frame grammar:
 * <pre>
 *   record := bodyLength:varint body crc:u32le   ; 1 &lt;= bodyLength &lt;= {@value #MAX_BODY}, crc = CRC32C(body)
 *   varint := LEB128 (7 bits per byte, least significant first, high bit set on all but the last)
 * </pre>
 * Not thread-safe; the channel is the caller's (not closed here).
 */
final class SegmentReader {

    static final int MAX_BODY = RecordFrame.MAX_BODY;

    /** One record and where its frame lies in the file. */
    record Framed(OpRecord record, long position, long next) {
    }

    /** The bytes at {@code position} are not a valid record. */
    static final class DamageException extends Exception {
        private static final long serialVersionUID = 1L;
        final long position;

        DamageException(long position, String reason) {
            super(reason, null, false, false);
            this.position = position;
        }
    }

    private final FileChannel channel;
    private final long limit;
    private final OpCodec.Decoder decoder;
    private ByteBuffer buf = ByteBuffer.allocate(64 << 10).order(ByteOrder.LITTLE_ENDIAN).limit(0);
    private long bufStart; // file position of buf[0]
    private long position;

    /**
     * @param decoder state as of the record before {@code position}
     */
    SegmentReader(FileChannel channel, long position, long limit, OpCodec.Decoder decoder) {
        this.channel = channel;
        this.position = position;
        this.limit = limit;
        this.decoder = decoder;
        this.bufStart = position;
    }

    long position() {
        return position;
    }

    long lastSeq() {
        return decoder.lastSeq();
    }

    long lastTimeMicros() {
        return decoder.lastTimeMicros();
    }

    /** The next record, or null at the limit. On damage the reader stays before the bad frame. */
    Framed next() throws IOException, DamageException {
        if (position >= limit) {
            return null;
        }
        int headerLen = 0;
        long len = 0;
        for (int shift = 0; ; shift += 7) {
            if (!ensure(headerLen + 1)) {
                throw new DamageException(position, "record length cut short by the end of the file");
            }
            int b = buf.get(buf.position() + headerLen) & 0xff;
            headerLen++;
            len |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            if (shift > 28) {
                throw new DamageException(position, "record length is not a varint");
            }
        }
        if (len < 1 || len > MAX_BODY) {
            throw new DamageException(position, "record length " + len + " out of range");
        }
        int frame = headerLen + (int) len + 4;
        if (position + frame > limit || !ensure(frame)) {
            throw new DamageException(position, "record of " + len + " bytes cut short by the end of the file");
        }
        int bodyAt = buf.position() + headerLen;
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().position(bodyAt).limit(bodyAt + (int) len));
        int stored = buf.getInt(bodyAt + (int) len);
        if ((int) crc.getValue() != stored) {
            throw new DamageException(position, "checksum mismatch");
        }
        byte[] body = new byte[(int) len];
        buf.get(bodyAt, body);
        OpRecord r;
        try {
            r = decoder.decode(Bytes.wrapForRead(body));
        } catch (RecordFormatException e) {
            throw new DamageException(position, "undecodable record: " + e.getMessage());
        }
        long at = position;
        position += frame;
        buf.position(buf.position() + frame);
        return new Framed(r, at, position);
    }

    /** Makes at least {@code n} bytes from {@code position} available in buf; false at end of file. */
    private boolean ensure(int n) throws IOException {
        if (buf.remaining() >= n) {
            return true;
        }
        if (buf.capacity() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(n, buf.capacity() * 2)).order(ByteOrder.LITTLE_ENDIAN);
            bigger.put(buf).flip();
            buf = bigger;
        } else {
            buf.compact().flip();
        }
        bufStart = position;
        while (buf.remaining() < n) {
            ByteBuffer w = buf.duplicate().position(buf.limit()).limit(buf.capacity());
            int got = channel.read(w, bufStart + buf.limit());
            if (got <= 0) {
                return false;
            }
            buf.limit(buf.limit() + got);
        }
        return true;
    }
}
