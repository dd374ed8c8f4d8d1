package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code READLINK3resfail} (section 3.3.5).
 *
 * <pre>
 * struct READLINK3resfail {
 *     post_op_attr symlink_attributes;
 * };
 * </pre>
 */
public class READLINK3resfail implements XdrAble {

    public post_op_attr symlink_attributes = new post_op_attr();

    public READLINK3resfail() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        symlink_attributes.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        symlink_attributes.xdrDecode(xdr);
    }
}
