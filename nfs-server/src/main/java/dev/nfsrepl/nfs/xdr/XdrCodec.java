package dev.nfsrepl.nfs.xdr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.dcache.oncrpc4j.xdr.Xdr;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;
import org.glassfish.grizzly.Buffer;

/**
 * Shared encode/decode steps of the RFC 1813 types: bounded variable-length items,
 * fixed-length opaques, byte-buffer payloads and optional-pointer chains.
 *
 * <p>Every variable-length item is decoded by reading its length first and checking it
 * against the bound <em>before</em> anything is allocated; oncrpc4j's
 * {@code xdrDecodeDynamicOpaque}, {@code xdrDecodeString} and {@code xdrDecodeIntVector}
 * allocate whatever length the peer announces, so they are not used on input.
 */
final class XdrCodec {

    private static final byte[] EMPTY = new byte[0];

    /** Copy size for payloads without a backing array; a multiple of 4. */
    private static final int COPY_CHUNK = 64 * 1024;

    private XdrCodec() {
    }

    /** Bytes of padding after {@code len} bytes of opaque data. */
    static int padding(int len) {
        return (4 - (len & 3)) & 3;
    }

    /**
     * Rejects a length read from the wire (or about to be written) that is negative, i.e.
     * above 2^31-1 as an unsigned value, or above {@code max}.
     */
    static void checkLength(int len, int max, String what) throws BadXdrException {
        if (len < 0 || len > max) {
            throw new BadXdrException(what + ": length " + Integer.toUnsignedString(len)
                    + " exceeds the limit of " + max + " bytes");
        }
    }

    /** {@code opaque<max>}: the length, then the bytes. */
    static byte[] decodeOpaque(XdrDecodingStream xdr, int max, String what) throws IOException {
        int len = xdr.xdrDecodeInt();
        checkLength(len, max, what);
        return xdr.xdrDecodeOpaque(len);
    }

    static void encodeOpaque(XdrEncodingStream xdr, byte[] value, int max, String what)
            throws IOException {
        checkLength(value.length, max, what);
        xdr.xdrEncodeDynamicOpaque(value);
    }

    /** {@code opaque[size]}: exactly {@code size} bytes, no length on the wire. */
    static void encodeFixedOpaque(XdrEncodingStream xdr, byte[] value, int size, String what)
            throws IOException {
        if (value.length != size) {
            throw new BadXdrException(what + ": must be exactly " + size + " bytes, not "
                    + value.length);
        }
        xdr.xdrEncodeOpaque(value, size);
    }

    /**
     * {@code string<max>}: decoded from the raw bytes as UTF-8. Nothing is special about
     * NUL or '/' bytes, so they reach the caller; malformed sequences become U+FFFD.
     */
    static String decodeString(XdrDecodingStream xdr, int max, String what) throws IOException {
        byte[] bytes = decodeOpaque(xdr, max, what);
        return bytes.length == 0 ? "" : new String(bytes, StandardCharsets.UTF_8);
    }

    /** Encodes {@code value} as UTF-8; {@code null} is encoded as the empty string. */
    static void encodeString(XdrEncodingStream xdr, String value, int max, String what)
            throws IOException {
        byte[] bytes = value == null ? EMPTY : value.getBytes(StandardCharsets.UTF_8);
        encodeOpaque(xdr, bytes, max, what);
    }

    /** {@code int name<>} with a sanity cap of {@code max} elements. */
    static int[] decodeIntArray(XdrDecodingStream xdr, int max, String what) throws IOException {
        int len = xdr.xdrDecodeInt();
        if (len < 0 || len > max) {
            throw new BadXdrException(what + ": " + Integer.toUnsignedString(len)
                    + " elements exceed the limit of " + max);
        }
        int[] values = new int[len];
        for (int i = 0; i < len; i++) {
            values[i] = xdr.xdrDecodeInt();
        }
        return values;
    }

    static void encodeIntArray(XdrEncodingStream xdr, int[] values) {
        xdr.xdrEncodeInt(values.length);
        for (int v : values) {
            xdr.xdrEncodeInt(v);
        }
    }

    /**
     * {@code opaque data<>} into a {@link ByteBuffer} holding exactly the data bytes
     * (position 0, limit = length).
     *
     * <p>On oncrpc4j's {@link Xdr} the length is checked without consuming it and the
     * buffer is then taken by {@link Xdr#xdrDecodeByteBuffer()}, which returns a view of
     * the request buffer instead of a copy. Checking first matters: that method trusts
     * the announced length (an overflowing length + padding gets past its own check).
     * Other streams get a bounded copy.
     */
    static ByteBuffer decodeByteBuffer(XdrDecodingStream xdr, int max, String what)
            throws IOException {
        if (xdr instanceof Xdr) {
            Buffer buffer = ((Xdr) xdr).asBuffer();
            if (buffer.remaining() >= Integer.BYTES) {
                int len = buffer.getInt(buffer.position());
                checkLength(len, max, what);
                return xdr.xdrDecodeByteBuffer();
            }
            // too short even for the length: xdrDecodeInt below reports it
        }
        int len = xdr.xdrDecodeInt();
        checkLength(len, max, what);
        return ByteBuffer.wrap(xdr.xdrDecodeOpaque(len));
    }

    /**
     * Encodes the bytes between position and limit of {@code data} as {@code opaque<>},
     * leaving {@code data}'s position unchanged (the same object can be encoded again).
     *
     * <p>Padding is written as zeros here: {@link Xdr#xdrEncodeByteBuffer} only skips over
     * the padding bytes, which leaves whatever the (possibly pooled) buffer held before.
     * It is used when no padding is needed; otherwise the bytes are copied once from the
     * backing array, or in chunks for a direct buffer.
     */
    static void encodeByteBuffer(XdrEncodingStream xdr, ByteBuffer data, int max, String what)
            throws IOException {
        ByteBuffer src = data.duplicate();
        int len = src.remaining();
        checkLength(len, max, what);
        if (padding(len) == 0 && xdr instanceof org.dcache.oncrpc4j.xdr.Xdr x) {
            x.xdrEncodeShallowByteBuffer(src); // no copy: the reply refers to the caller's buffer
        } else if (padding(len) == 0) {
            xdr.xdrEncodeByteBuffer(src);
        } else if (src.hasArray()) {
            xdr.xdrEncodeInt(len);
            xdr.xdrEncodeOpaque(src.array(), src.arrayOffset() + src.position(), len);
        } else {
            xdr.xdrEncodeInt(len);
            byte[] chunk = new byte[Math.min(len, COPY_CHUNK)];
            while (src.hasRemaining()) {
                // every chunk but the last is a multiple of 4, so only the last one is padded
                int n = Math.min(chunk.length, src.remaining());
                src.get(chunk, 0, n);
                xdr.xdrEncodeOpaque(chunk, 0, n);
            }
        }
    }

    /**
     * Writes an RFC 1813 linked list ({@code T *next} chains such as
     * {@code entry3 *nextentry}): each element preceded by TRUE, the end marked by FALSE.
     * Iterative, so the length of the list does not matter to the stack.
     */
    static void encodeList(XdrEncodingStream xdr, List<? extends XdrAble> list)
            throws IOException {
        for (XdrAble element : list) {
            xdr.xdrEncodeBoolean(true);
            element.xdrEncode(xdr);
        }
        xdr.xdrEncodeBoolean(false);
    }

    /** Reads a chain written by {@link #encodeList}, creating elements with {@code factory}. */
    static <T extends XdrAble> List<T> decodeList(XdrDecodingStream xdr, Supplier<T> factory)
            throws IOException {
        List<T> list = new ArrayList<>();
        while (xdr.xdrDecodeBoolean()) {
            T element = factory.get();
            element.xdrDecode(xdr);
            list.add(element);
        }
        return list;
    }
}
