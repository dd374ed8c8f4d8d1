package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code wcc_attr} (section 2.5).
 *
 * <pre>
 * struct wcc_attr {
 *     size3    size;
 *     nfstime3 mtime;
 *     nfstime3 ctime;
 * };
 * </pre>
 */
public class wcc_attr implements XdrAble {

    /** size3: uint64, unsigned. */
    public long size;
    public nfstime3 mtime = new nfstime3();
    public nfstime3 ctime = new nfstime3();

    public wcc_attr() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeLong(size);
        mtime.xdrEncode(xdr);
        ctime.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        size = xdr.xdrDecodeLong();
        mtime.xdrDecode(xdr);
        ctime.xdrDecode(xdr);
    }
}
