package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code MKNOD3args} (section 3.3.11).
 *
 * <pre>
 * struct MKNOD3args {
 *     diropargs3 where;
 *     mknoddata3 what;
 * };
 * </pre>
 */
public class MKNOD3args implements XdrAble {

    public diropargs3 where = new diropargs3();
    public mknoddata3 what = new mknoddata3();

    public MKNOD3args() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        where.xdrEncode(xdr);
        what.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        where.xdrDecode(xdr);
        what.xdrDecode(xdr);
    }
}
