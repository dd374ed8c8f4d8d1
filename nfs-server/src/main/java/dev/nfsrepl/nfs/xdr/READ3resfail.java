package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code READ3resfail} (section 3.3.6).
 *
 * <pre>
 * struct READ3resfail {
 *     post_op_attr file_attributes;
 * };
 * </pre>
 */
public class READ3resfail implements XdrAble {

    public post_op_attr file_attributes = new post_op_attr();

    public READ3resfail() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        file_attributes.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        file_attributes.xdrDecode(xdr);
    }
}
