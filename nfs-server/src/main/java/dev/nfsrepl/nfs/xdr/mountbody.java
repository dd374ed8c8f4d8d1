package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code mountbody} (section 5.2.2).
 *
 * <pre>
 * struct mountbody {
 *     name      ml_hostname;
 *     dirpath   ml_directory;
 *     mountlist ml_next;
 * };
 * </pre>
 *
 * <p>The {@code ml_next} link is not a field: a DUMP result is the
 * {@link mountlist#entries} list, which writes and reads the value-follows flags.
 * {@link #xdrEncode} and {@link #xdrDecode} handle this entry's own fields only.
 */
public class mountbody implements XdrAble {

    /** name, see {@link name} for the length bound. */
    public String ml_hostname = "";
    /** dirpath, see {@link dirpath} for the length bound. */
    public String ml_directory = "";

    public mountbody() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        name.encode(xdr, ml_hostname);
        dirpath.encode(xdr, ml_directory);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        ml_hostname = name.decode(xdr);
        ml_directory = dirpath.decode(xdr);
    }
}
