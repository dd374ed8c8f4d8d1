package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code MKDIR3args} (section 3.3.9).
 *
 * <pre>
 * struct MKDIR3args {
 *     diropargs3 where;
 *     sattr3     attributes;
 * };
 * </pre>
 */
public class MKDIR3args implements XdrAble {

    public diropargs3 where = new diropargs3();
    public sattr3 attributes = new sattr3();

    public MKDIR3args() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        where.xdrEncode(xdr);
        attributes.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        where.xdrDecode(xdr);
        attributes.xdrDecode(xdr);
    }
}
