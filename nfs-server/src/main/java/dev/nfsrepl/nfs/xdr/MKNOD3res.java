package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code MKNOD3res} (section 3.3.11): the result of {@code NFSPROC3_MKNOD}.
 *
 * <pre>
 * union MKNOD3res switch (nfsstat3 status) {
 * case NFS3_OK:
 *     MKNOD3resok   resok;
 * default:
 *     MKNOD3resfail resfail;
 * };
 * </pre>
 *
 * <p>Only the arm selected by {@link #status} is on the wire: {@link #resok} when it is
 * {@link nfs3_prot#NFS3_OK}, {@link #resfail} for any other status. Set the matching arm
 * before encoding; decoding fills the selected arm and sets the other one to {@code null}.
 */
public class MKNOD3res implements XdrAble {

    /** nfsstat3: {@link nfs3_prot#NFS3_OK} or one of the {@code NFS3ERR_*} codes. */
    public int status;
    /** Present when {@code status == NFS3_OK}. */
    public MKNOD3resok resok;
    /** Present when {@code status != NFS3_OK}. */
    public MKNOD3resfail resfail;

    public MKNOD3res() {
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
            resok = new MKNOD3resok();
            resok.xdrDecode(xdr);
            resfail = null;
        } else {
            resok = null;
            resfail = new MKNOD3resfail();
            resfail.xdrDecode(xdr);
        }
    }
}
