package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code LINK3args} (section 3.3.15).
 *
 * <pre>
 * struct LINK3args {
 *     nfs_fh3    file;
 *     diropargs3 link;
 * };
 * </pre>
 */
public class LINK3args implements XdrAble {

    public nfs_fh3 file = new nfs_fh3();
    public diropargs3 link = new diropargs3();

    public LINK3args() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        file.xdrEncode(xdr);
        link.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        file.xdrDecode(xdr);
        link.xdrDecode(xdr);
    }
}
