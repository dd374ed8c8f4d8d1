package dev.nfsrepl.nfs.xdr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code mountlist} (section 5.2.2): the result of {@code MOUNTPROC3_DUMP}.
 *
 * <pre>
 * typedef mountbody *mountlist;
 * </pre>
 *
 * <p>The chain {@code mountlist -> ml_next -> ...} is the {@link #entries} list. On the
 * wire every {@link mountbody} is preceded by TRUE and the list ends with FALSE (an
 * empty list is a single FALSE). Encoded and decoded iteratively.
 */
public class mountlist implements XdrAble {

    /** The mount entries in wire order; never {@code null}. */
    public List<mountbody> entries = new ArrayList<>();

    public mountlist() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        XdrCodec.encodeList(xdr, entries);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        entries = XdrCodec.decodeList(xdr, mountbody::new);
    }
}
