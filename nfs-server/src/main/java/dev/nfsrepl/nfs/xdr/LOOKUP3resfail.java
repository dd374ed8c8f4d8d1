package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code LOOKUP3resfail} (section 3.3.3).
 *
 * <pre>
 * struct LOOKUP3resfail {
 *     post_op_attr dir_attributes;
 * };
 * </pre>
 */
public class LOOKUP3resfail implements XdrAble {

    public post_op_attr dir_attributes = new post_op_attr();

    public LOOKUP3resfail() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        dir_attributes.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        dir_attributes.xdrDecode(xdr);
    }
}
