package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code READLINK3resok} (section 3.3.5).
 *
 * <pre>
 * struct READLINK3resok {
 *     post_op_attr symlink_attributes;
 *     nfspath3     data;
 * };
 * </pre>
 */
public class READLINK3resok implements XdrAble {

    public post_op_attr symlink_attributes = new post_op_attr();
    /** nfspath3, see {@link nfspath3} for the length bound. */
    public String data = "";

    public READLINK3resok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        symlink_attributes.xdrEncode(xdr);
        nfspath3.encode(xdr, data);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        symlink_attributes.xdrDecode(xdr);
        data = nfspath3.decode(xdr);
    }
}
