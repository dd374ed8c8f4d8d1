package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code FSSTAT3args} (section 3.3.18).
 *
 * <pre>
 * struct FSSTAT3args {
 *     nfs_fh3 fsroot;
 * };
 * </pre>
 */
public class FSSTAT3args implements XdrAble {

    public nfs_fh3 fsroot = new nfs_fh3();

    public FSSTAT3args() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        fsroot.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        fsroot.xdrDecode(xdr);
    }
}
