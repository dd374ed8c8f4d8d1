package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code ACCESS3args} (section 3.3.4).
 *
 * <pre>
 * struct ACCESS3args {
 *     nfs_fh3 object;
 *     uint32  access;
 * };
 * </pre>
 *
 * <p>{@code access} is a bit mask of the {@code ACCESS3_*} constants in {@link nfs3_prot}.
 */
public class ACCESS3args implements XdrAble {

    public nfs_fh3 object = new nfs_fh3();
    /** uint32, unsigned. */
    public int access;

    public ACCESS3args() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        object.xdrEncode(xdr);
        xdr.xdrEncodeInt(access);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        object.xdrDecode(xdr);
        access = xdr.xdrDecodeInt();
    }
}
