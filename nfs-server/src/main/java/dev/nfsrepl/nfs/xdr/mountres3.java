package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code mountres3} (section 5.2.1): the result of {@code MOUNTPROC3_MNT}.
 *
 * <pre>
 * union mountres3 switch (mountstat3 fhs_status) {
 * case MNT3_OK:
 *     mountres3_ok mountinfo;
 * default:
 *     void;
 * };
 * </pre>
 *
 * <p>{@link #mountinfo} is on the wire only when {@link #fhs_status} is
 * {@link nfs3_prot#MNT3_OK}; decoding sets it to {@code null} for a failure.
 */
public class mountres3 implements XdrAble {

    /** mountstat3: {@link nfs3_prot#MNT3_OK} or one of the {@code MNT3ERR_*} codes. */
    public int fhs_status;
    /** Present when {@code fhs_status == MNT3_OK}. */
    public mountres3_ok mountinfo;

    public mountres3() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeInt(fhs_status);
        if (fhs_status == nfs3_prot.MNT3_OK) {
            mountinfo.xdrEncode(xdr);
        }
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        fhs_status = xdr.xdrDecodeInt();
        if (fhs_status == nfs3_prot.MNT3_OK) {
            mountinfo = new mountres3_ok();
            mountinfo.xdrDecode(xdr);
        } else {
            mountinfo = null;
        }
    }
}
