package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code READ3args} (section 3.3.6).
 *
 * <pre>
 * struct READ3args {
 *     nfs_fh3 file;
 *     offset3 offset;
 *     count3  count;
 * };
 * </pre>
 */
public class READ3args implements XdrAble {

    public nfs_fh3 file = new nfs_fh3();
    /** offset3: uint64, unsigned. */
    public long offset;
    /** count3: uint32, unsigned. */
    public int count;

    public READ3args() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        file.xdrEncode(xdr);
        xdr.xdrEncodeLong(offset);
        xdr.xdrEncodeInt(count);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        file.xdrDecode(xdr);
        offset = xdr.xdrDecodeLong();
        count = xdr.xdrDecodeInt();
    }
}
