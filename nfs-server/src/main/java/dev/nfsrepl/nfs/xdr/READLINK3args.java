package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code READLINK3args} (section 3.3.5).
 *
 * <pre>
 * struct READLINK3args {
 *     nfs_fh3 symlink;
 * };
 * </pre>
 */
public class READLINK3args implements XdrAble {

    public nfs_fh3 symlink = new nfs_fh3();

    public READLINK3args() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        symlink.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        symlink.xdrDecode(xdr);
    }
}
