package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code RENAME3args} (section 3.3.14).
 *
 * <pre>
 * struct RENAME3args {
 *     diropargs3 from;
 *     diropargs3 to;
 * };
 * </pre>
 */
public class RENAME3args implements XdrAble {

    public diropargs3 from = new diropargs3();
    public diropargs3 to = new diropargs3();

    public RENAME3args() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        from.xdrEncode(xdr);
        to.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        from.xdrDecode(xdr);
        to.xdrDecode(xdr);
    }
}
