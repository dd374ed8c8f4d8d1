package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code ACCESS3resfail} (section 3.3.4).
 *
 * <pre>
 * struct ACCESS3resfail {
 *     post_op_attr obj_attributes;
 * };
 * </pre>
 */
public class ACCESS3resfail implements XdrAble {

    public post_op_attr obj_attributes = new post_op_attr();

    public ACCESS3resfail() {
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
