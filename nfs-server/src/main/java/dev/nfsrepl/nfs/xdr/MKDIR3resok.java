package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code MKDIR3resok} (section 3.3.9).
 *
 * <pre>
 * struct MKDIR3resok {
 *     post_op_fh3  obj;
 *     post_op_attr obj_attributes;
 *     wcc_data     dir_wcc;
 * };
 * </pre>
 */
public class MKDIR3resok implements XdrAble {

    public post_op_fh3 obj = new post_op_fh3();
    public post_op_attr obj_attributes = new post_op_attr();
    public wcc_data dir_wcc = new wcc_data();

    public MKDIR3resok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        obj.xdrEncode(xdr);
        obj_attributes.xdrEncode(xdr);
        dir_wcc.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        obj.xdrDecode(xdr);
        obj_attributes.xdrDecode(xdr);
        dir_wcc.xdrDecode(xdr);
    }
}
