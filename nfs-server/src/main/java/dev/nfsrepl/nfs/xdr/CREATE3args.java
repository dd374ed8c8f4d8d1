package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code CREATE3args} (section 3.3.8).
 *
 * <pre>
 * struct CREATE3args {
 *     diropargs3 where;
 *     createhow3 how;
 * };
 * </pre>
 */
public class CREATE3args implements XdrAble {

    public diropargs3 where = new diropargs3();
    public createhow3 how = new createhow3();

    public CREATE3args() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        where.xdrEncode(xdr);
        how.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        where.xdrDecode(xdr);
        how.xdrDecode(xdr);
    }
}
