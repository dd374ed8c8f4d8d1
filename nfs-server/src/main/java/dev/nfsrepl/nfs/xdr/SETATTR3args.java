package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code SETATTR3args} (section 3.3.2).
 *
 * <pre>
 * struct SETATTR3args {
 *     nfs_fh3     object;
 *     sattr3      new_attributes;
 *     sattrguard3 guard;
 * };
 * </pre>
 */
public class SETATTR3args implements XdrAble {

    public nfs_fh3 object = new nfs_fh3();
    public sattr3 new_attributes = new sattr3();
    public sattrguard3 guard = new sattrguard3();

    public SETATTR3args() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        object.xdrEncode(xdr);
        new_attributes.xdrEncode(xdr);
        guard.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        object.xdrDecode(xdr);
        new_attributes.xdrDecode(xdr);
        guard.xdrDecode(xdr);
    }
}
