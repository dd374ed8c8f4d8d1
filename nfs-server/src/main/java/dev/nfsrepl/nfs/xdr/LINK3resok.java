package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code LINK3resok} (section 3.3.15).
 *
 * <pre>
 * struct LINK3resok {
 *     post_op_attr file_attributes;
 *     wcc_data     linkdir_wcc;
 * };
 * </pre>
 */
public class LINK3resok implements XdrAble {

    public post_op_attr file_attributes = new post_op_attr();
    public wcc_data linkdir_wcc = new wcc_data();

    public LINK3resok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        file_attributes.xdrEncode(xdr);
        linkdir_wcc.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        file_attributes.xdrDecode(xdr);
        linkdir_wcc.xdrDecode(xdr);
    }
}
