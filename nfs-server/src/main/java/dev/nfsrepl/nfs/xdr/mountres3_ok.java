package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code mountres3_ok} (section 5.2.1).
 *
 * <pre>
 * struct mountres3_ok {
 *     fhandle3 fhandle;
 *     int      auth_flavors&lt;&gt;;
 * };
 * </pre>
 *
 * <p>{@link #fhandle} is at most {@link nfs3_prot#FHSIZE3} bytes. The RFC does not bound
 * {@link #auth_flavors}; decoding accepts at most {@link #MAX_AUTH_FLAVORS} of them and
 * throws {@link BadXdrException} above that.
 */
public class mountres3_ok implements XdrAble {

    /** Largest number of flavors accepted on decoding (not an RFC limit). */
    public static final int MAX_AUTH_FLAVORS = 256;

    /** fhandle3: the root file handle of the mounted export. */
    public byte[] fhandle = new byte[0];
    /** RPC authentication flavors the export accepts, e.g. 1 for AUTH_UNIX (AUTH_SYS). */
    public int[] auth_flavors = new int[0];

    public mountres3_ok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        fhandle3.encode(xdr, fhandle);
        XdrCodec.encodeIntArray(xdr, auth_flavors);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        fhandle = fhandle3.decode(xdr);
        auth_flavors = XdrCodec.decodeIntArray(xdr, MAX_AUTH_FLAVORS, "mountres3_ok.auth_flavors");
    }
}
