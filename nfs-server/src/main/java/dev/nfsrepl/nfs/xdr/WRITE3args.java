package dev.nfsrepl.nfs.xdr;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code WRITE3args} (section 3.3.7).
 *
 * <pre>
 * struct WRITE3args {
 *     nfs_fh3    file;
 *     offset3    offset;
 *     count3     count;
 *     stable_how stable;
 *     opaque     data&lt;&gt;;
 * };
 * </pre>
 *
 * <p>Decoding rejects data longer than {@link #MAX_DATA} (4 MiB) with
 * {@link BadXdrException} before touching it. It does not compare {@link #count} with
 * the data length, nor check {@link #stable}; the service does.
 *
 * <p>On oncrpc4j's {@code Xdr} the decoded {@link #data} is a view of the request
 * buffer, not a copy (position 0, limit = data length). Use it while handling the call;
 * copy it if it must outlive the call (for example to queue it for asynchronous work).
 * Encoding writes the bytes from position to limit and does not move the position.
 */
public class WRITE3args implements XdrAble {

    /** Largest data accepted on decoding, in bytes (not an RFC limit). */
    public static final int MAX_DATA = 4 * 1024 * 1024;

    public nfs_fh3 file = new nfs_fh3();
    /** offset3: uint64, unsigned. */
    public long offset;
    /** count3: uint32, unsigned; should equal {@code data.remaining()}. */
    public int count;
    /**
     * stable_how: {@link nfs3_prot#UNSTABLE}, {@link nfs3_prot#DATA_SYNC} or
     * {@link nfs3_prot#FILE_SYNC}.
     */
    public int stable;
    /** The bytes to write, from position to limit. */
    public ByteBuffer data = ByteBuffer.allocate(0);

    public WRITE3args() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        file.xdrEncode(xdr);
        xdr.xdrEncodeLong(offset);
        xdr.xdrEncodeInt(count);
        xdr.xdrEncodeInt(stable);
        XdrCodec.encodeByteBuffer(xdr, data, MAX_DATA, "WRITE3args.data");
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        file.xdrDecode(xdr);
        offset = xdr.xdrDecodeLong();
        count = xdr.xdrDecodeInt();
        stable = xdr.xdrDecodeInt();
        data = XdrCodec.decodeByteBuffer(xdr, MAX_DATA, "WRITE3args.data");
    }
}
