package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code LOOKUP3resok} (section 3.3.3).
 *
 * <pre>
 * struct LOOKUP3resok {
 *     nfs_fh3      object;
 *     post_op_attr obj_attributes;
 *     post_op_attr dir_attributes;
 * };
 * </pre>
 */
public class LOOKUP3resok implements XdrAble {

    public nfs_fh3 object = new nfs_fh3();
    public post_op_attr obj_attributes = new post_op_attr();
    public post_op_attr dir_attributes = new post_op_attr();

    public LOOKUP3resok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        object.xdrEncode(xdr);
        obj_attributes.xdrEncode(xdr);
        dir_attributes.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        object.xdrDecode(xdr);
        obj_attributes.xdrDecode(xdr);
        dir_attributes.xdrDecode(xdr);
    }
}
