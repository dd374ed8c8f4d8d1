package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code ACCESS3res} (section 3.3.4): the result of {@code NFSPROC3_ACCESS}.
 *
 * <pre>
 * union ACCESS3res switch (nfsstat3 status) {
 * case NFS3_OK:
 *     ACCESS3resok   resok;
 * default:
 *     ACCESS3resfail resfail;
 * };
 * </pre>
 *
 * <p>Only the arm selected by {@link #status} is on the wire: {@link #resok} when it is
 * {@link nfs3_prot#NFS3_OK}, {@link #resfail} for any other status. Set the matching arm
 * before encoding; decoding fills the selected arm and sets the other one to {@code null}.
 */
public class ACCESS3res implements XdrAble {

    /** nfsstat3: {@link nfs3_prot#NFS3_OK} or one of the {@code NFS3ERR_*} codes. */
    public int status;
    /** Present when {@code status == NFS3_OK}. */
    public ACCESS3resok resok;
    /** Present when {@code status != NFS3_OK}. */
    public ACCESS3resfail resfail;

    public ACCESS3res() {
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
            resok = new ACCESS3resok();
            resok.xdrDecode(xdr);
            resfail = null;
        } else {
            resok = null;
            resfail = new ACCESS3resfail();
            resfail.xdrDecode(xdr);
        }
    }
}
