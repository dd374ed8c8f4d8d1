package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code RMDIR3args} (section 3.3.13).
 *
 * <pre>
 * struct RMDIR3args {
 *     diropargs3 object;
 * };
 * </pre>
 */
public class RMDIR3args implements XdrAble {

    public diropargs3 object = new diropargs3();

    public RMDIR3args() {
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
