package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code groupnode} (section 5.2.5).
 *
 * <pre>
 * struct groupnode {
 *     name   gr_name;
 *     groups gr_next;
 * };
 * </pre>
 *
 * <p>The {@code gr_next} link is not a field: the groups of an export are the
 * {@link exportnode#ex_groups} list. {@link #xdrEncode} and {@link #xdrDecode}
 * handle this node's own field only.
 */
public class groupnode implements XdrAble {

    /** name, see {@link name} for the length bound. */
    public String gr_name = "";

    public groupnode() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        name.encode(xdr, gr_name);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        gr_name = name.decode(xdr);
    }
}
