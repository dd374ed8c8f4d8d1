package dev.nfsrepl.replication.record;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;

/**
 * One record framed for storage or the wire, the same everywhere (segment files, batches):
 * <pre>
 *   frame  := bodyLength:varint body crc:u32le   ; 1 &lt;= bodyLength &lt;= {@value #MAX_BODY}, crc = CRC32C(body)
 *   varint := LEB128 (7 bits per byte, least significant first, high bit set on all but the last)
 * </pre>
 * The body is an {@link OpCodec} body. Stateless; thread-safe.
 */
public final class RecordFrame {

    /** Largest body accepted. */
    public static final int MAX_BODY = 64 << 20;

    private RecordFrame() {
    }

    /** Appends the frame of {@code r}, encoded with {@code enc} ({@code scratch}: a reusable buffer), to {@code out}. */
    public static void write(OpCodec.Encoder enc, OpRecord r, Bytes<?> scratch, ByteArrayOutputStream out) {
        scratch.clear();
        ByteBuffer bulk = enc.encode(r, scratch);
        byte[] prefix = scratch.toByteArray();
        long len = prefix.length + (long) bulk.remaining();
        if (len > MAX_BODY) {
            throw new IllegalArgumentException("record #" + r.seq() + " of " + len + " bytes is too large");
        }
        ByteBuffer head = ByteBuffer.allocate(5);
        putVarint(head, len);
        out.write(head.array(), 0, head.position());
        out.write(prefix, 0, prefix.length);
        byte[] data = new byte[bulk.remaining()];
        bulk.duplicate().get(data);
        out.write(data, 0, data.length);
        CRC32C crc = new CRC32C();
        crc.update(prefix);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).array(), 0, 4);
    }

    /**
     * Reads the frame at {@code in}'s position (advancing past it) and decodes its body with
     * {@code dec}; a frame cut short, out of range, with a wrong CRC or an undecodable body throws
     * {@link RecordFormatException} naming what is wrong.
     */
    public static OpRecord read(OpCodec.Decoder dec, ByteBuffer in) {
        long len = 0;
        for (int shift = 0; ; shift += 7) {
            if (!in.hasRemaining()) {
                throw new RecordFormatException("record length cut short");
            }
            int b = in.get() & 0xff;
            len |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            if (shift > 28) {
                throw new RecordFormatException("record length is not a varint");
            }
        }
        if (len < 1 || len > MAX_BODY || len + 4 > in.remaining()) {
            throw new RecordFormatException("record length " + len + " out of range (" + in.remaining() + " bytes left)");
        }
        byte[] body = new byte[(int) len];
        in.get(body);
        CRC32C crc = new CRC32C();
        crc.update(body);
        int stored = (in.get() & 0xff) | (in.get() & 0xff) << 8 | (in.get() & 0xff) << 16 | (in.get() & 0xff) << 24;
        if ((int) crc.getValue() != stored) {
            throw new RecordFormatException("checksum mismatch");
        }
        return dec.decode(Bytes.wrapForRead(body));
    }

    /** Writes {@code v} as a LEB128 varint. */
    public static void putVarint(ByteBuffer b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }
}
