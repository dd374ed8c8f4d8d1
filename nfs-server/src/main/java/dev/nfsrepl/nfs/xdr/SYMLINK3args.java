package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code SYMLINK3args} (section 3.3.10).
 *
 * <pre>
 * struct SYMLINK3args {
 *     diropargs3   where;
 *     symlinkdata3 symlink;
 * };
 * </pre>
 */
public class SYMLINK3args implements XdrAble {

    public diropargs3 where = new diropargs3();
    public symlinkdata3 symlink = new symlinkdata3();

    public SYMLINK3args() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        where.xdrEncode(xdr);
        symlink.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        where.xdrDecode(xdr);
        symlink.xdrDecode(xdr);
    }
}
