package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code sattr3} (section 2.5).
 *
 * <pre>
 * struct sattr3 {
 *     set_mode3 mode;
 *     set_uid3  uid;
 *     set_gid3  gid;
 *     set_size3 size;
 *     set_atime atime;
 *     set_mtime mtime;
 * };
 * </pre>
 *
 * <p>All members default to "don't change".
 */
public class sattr3 implements XdrAble {

    public set_mode3 mode = new set_mode3();
    public set_uid3 uid = new set_uid3();
    public set_gid3 gid = new set_gid3();
    public set_size3 size = new set_size3();
    public set_atime atime = new set_atime();
    public set_mtime mtime = new set_mtime();

    public sattr3() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        mode.xdrEncode(xdr);
        uid.xdrEncode(xdr);
        gid.xdrEncode(xdr);
        size.xdrEncode(xdr);
        atime.xdrEncode(xdr);
        mtime.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        mode.xdrDecode(xdr);
        uid.xdrDecode(xdr);
        gid.xdrDecode(xdr);
        size.xdrDecode(xdr);
        atime.xdrDecode(xdr);
        mtime.xdrDecode(xdr);
    }
}
