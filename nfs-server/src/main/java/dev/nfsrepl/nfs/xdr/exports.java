package dev.nfsrepl.nfs.xdr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code exports} (section 5.2.5): the result of {@code MOUNTPROC3_EXPORT}.
 *
 * <pre>
 * typedef exportnode *exports;
 * </pre>
 *
 * <p>The chain {@code exports -> ex_next -> ...} is the {@link #entries} list. On the
 * wire every {@link exportnode} is preceded by TRUE and the list ends with FALSE (an
 * empty list is a single FALSE). Encoded and decoded iteratively.
 */
public class exports implements XdrAble {

    /** The exported directories in wire order; never {@code null}. */
    public List<exportnode> entries = new ArrayList<>();

    public exports() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        XdrCodec.encodeList(xdr, entries);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        entries = XdrCodec.decodeList(xdr, exportnode::new);
    }
}
