package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code PATHCONF3args} (section 3.3.20).
 *
 * <pre>
 * struct PATHCONF3args {
 *     nfs_fh3 object;
 * };
 * </pre>
 */
public class PATHCONF3args implements XdrAble {

    public nfs_fh3 object = new nfs_fh3();

    public PATHCONF3args() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        object.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        object.xdrDecode(xdr);
    }
}
