package dev.nfsrepl.nfs.xdr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code dirlistplus3} (section 3.3.17): the entries of a READDIRPLUS reply.
 *
 * <pre>
 * struct dirlistplus3 {
 *     entryplus3 *entries;
 *     bool       eof;
 * };
 * </pre>
 *
 * <p>The chain {@code entries -> nextentry -> ...} is the {@link #entries} list. On the
 * wire every entry is preceded by TRUE and the list ends with FALSE, then {@link #eof}.
 * Both directions work iteratively, so any number of entries is fine for the stack.
 */
public class dirlistplus3 implements XdrAble {

    /** The entries in wire order; never {@code null}. */
    public List<entryplus3> entries = new ArrayList<>();
    public boolean eof;

    public dirlistplus3() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        XdrCodec.encodeList(xdr, entries);
        xdr.xdrEncodeBoolean(eof);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        entries = XdrCodec.decodeList(xdr, entryplus3::new);
        eof = xdr.xdrDecodeBoolean();
    }
}
