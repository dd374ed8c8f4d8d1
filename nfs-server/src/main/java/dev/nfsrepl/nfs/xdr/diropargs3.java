package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code diropargs3} (section 2.5).
 *
 * <pre>
 * struct diropargs3 {
 *     nfs_fh3   dir;
 *     filename3 name;
 * };
 * </pre>
 *
 * <p>{@code name} is decoded from the raw bytes as UTF-8 without any C-string
 * handling, so an embedded NUL or '/' survives decoding and can be rejected by the
 * service. Malformed UTF-8 sequences become U+FFFD.
 */
public class diropargs3 implements XdrAble {

    public nfs_fh3 dir = new nfs_fh3();
    /** filename3, see {@link filename3} for the length bound. */
    public String name = "";

    public diropargs3() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        dir.xdrEncode(xdr);
        filename3.encode(xdr, name);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        dir.xdrDecode(xdr);
        name = filename3.decode(xdr);
    }
}
