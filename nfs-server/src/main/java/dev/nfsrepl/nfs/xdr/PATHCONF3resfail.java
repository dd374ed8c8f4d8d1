package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code PATHCONF3resfail} (section 3.3.20).
 *
 * <pre>
 * struct PATHCONF3resfail {
 *     post_op_attr obj_attributes;
 * };
 * </pre>
 */
public class PATHCONF3resfail implements XdrAble {

    public post_op_attr obj_attributes = new post_op_attr();

    public PATHCONF3resfail() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        obj_attributes.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        obj_attributes.xdrDecode(xdr);
    }
}
