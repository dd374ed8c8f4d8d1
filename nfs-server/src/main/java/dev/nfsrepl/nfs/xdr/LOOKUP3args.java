package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code LOOKUP3args} (section 3.3.3).
 *
 * <pre>
 * struct LOOKUP3args {
 *     diropargs3 what;
 * };
 * </pre>
 */
public class LOOKUP3args implements XdrAble {

    public diropargs3 what = new diropargs3();

    public LOOKUP3args() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        what.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        what.xdrDecode(xdr);
    }
}
