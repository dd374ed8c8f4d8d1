package dev.nfsrepl.nfs.xdr;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code READ3resok} (section 3.3.6).
 *
 * <pre>
 * struct READ3resok {
 *     post_op_attr file_attributes;
 *     count3       count;
 *     bool         eof;
 *     opaque       data&lt;&gt;;
 * };
 * </pre>
 *
 * <p>{@link #data} is a {@link ByteBuffer}; the bytes from its position to its limit are
 * encoded, and encoding does not move its position. Keeping {@link #count} equal to
 * {@code data.remaining()} is the caller's job. Decoding caps the data at
 * {@link #MAX_DATA} bytes and, on oncrpc4j's {@code Xdr}, returns a view of the reply
 * buffer rather than a copy.
 */
public class READ3resok implements XdrAble {

    /** Largest data accepted on decoding, in bytes (not an RFC limit). */
    public static final int MAX_DATA = 4 * 1024 * 1024;

    public post_op_attr file_attributes = new post_op_attr();
    /** count3: uint32, unsigned; number of bytes in {@link #data}. */
    public int count;
    public boolean eof;
    /** The bytes read, from position to limit. */
    public ByteBuffer data = ByteBuffer.allocate(0);

    public READ3resok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        file_attributes.xdrEncode(xdr);
        xdr.xdrEncodeInt(count);
        xdr.xdrEncodeBoolean(eof);
        XdrCodec.encodeByteBuffer(xdr, data, MAX_DATA, "READ3resok.data");
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        file_attributes.xdrDecode(xdr);
        count = xdr.xdrDecodeInt();
        eof = xdr.xdrDecodeBoolean();
        data = XdrCodec.decodeByteBuffer(xdr, MAX_DATA, "READ3resok.data");
    }
}
