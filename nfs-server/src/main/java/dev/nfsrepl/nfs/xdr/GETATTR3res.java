package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code GETATTR3res} (section 3.3.1): the result of {@code NFSPROC3_GETATTR}.
 *
 * <pre>
 * union GETATTR3res switch (nfsstat3 status) {
 * case NFS3_OK:
 *     GETATTR3resok resok;
 * default:
 *     void;
 * };
 * </pre>
 *
 * <p>{@link #resok} is on the wire only when {@link #status} is {@link nfs3_prot#NFS3_OK};
 * any other status is followed by nothing. Decoding sets {@link #resok} to {@code null}
 * for a failure.
 */
public class GETATTR3res implements XdrAble {

    /** nfsstat3: {@link nfs3_prot#NFS3_OK} or one of the {@code NFS3ERR_*} codes. */
    public int status;
    /** Present when {@code status == NFS3_OK}. */
    public GETATTR3resok resok;

    public GETATTR3res() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeInt(status);
        if (status == nfs3_prot.NFS3_OK) {
            resok.xdrEncode(xdr);
        }
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        status = xdr.xdrDecodeInt();
        if (status == nfs3_prot.NFS3_OK) {
            resok = new GETATTR3resok();
            resok.xdrDecode(xdr);
        } else {
            resok = null;
        }
    }
}
