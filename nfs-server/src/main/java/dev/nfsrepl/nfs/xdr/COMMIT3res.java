package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code COMMIT3res} (section 3.3.21): the result of {@code NFSPROC3_COMMIT}.
 *
 * <pre>
 * union COMMIT3res switch (nfsstat3 status) {
 * case NFS3_OK:
 *     COMMIT3resok   resok;
 * default:
 *     COMMIT3resfail resfail;
 * };
 * </pre>
 *
 * <p>Only the arm selected by {@link #status} is on the wire: {@link #resok} when it is
 * {@link nfs3_prot#NFS3_OK}, {@link #resfail} for any other status. Set the matching arm
 * before encoding; decoding fills the selected arm and sets the other one to {@code null}.
 */
public class COMMIT3res implements XdrAble {

    /** nfsstat3: {@link nfs3_prot#NFS3_OK} or one of the {@code NFS3ERR_*} codes. */
    public int status;
    /** Present when {@code status == NFS3_OK}. */
    public COMMIT3resok resok;
    /** Present when {@code status != NFS3_OK}. */
    public COMMIT3resfail resfail;

    public COMMIT3res() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeInt(status);
        if (status == nfs3_prot.NFS3_OK) {
            resok.xdrEncode(xdr);
        } else {
            resfail.xdrEncode(xdr);
        }
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        status = xdr.xdrDecodeInt();
        if (status == nfs3_prot.NFS3_OK) {
            resok = new COMMIT3resok();
            resok.xdrDecode(xdr);
            resfail = null;
        } else {
            resok = null;
            resfail = new COMMIT3resfail();
            resfail.xdrDecode(xdr);
        }
    }
}
