package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code wcc_data} (section 2.5).
 *
 * <pre>
 * struct wcc_data {
 *     pre_op_attr  before;
 *     post_op_attr after;
 * };
 * </pre>
 *
 * <p>Weak cache consistency data. Both members default to "no attributes".
 */
public class wcc_data implements XdrAble {

    public pre_op_attr before = new pre_op_attr();
    public post_op_attr after = new post_op_attr();

    public wcc_data() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        before.xdrEncode(xdr);
        after.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        before.xdrDecode(xdr);
        after.xdrDecode(xdr);
    }
}
