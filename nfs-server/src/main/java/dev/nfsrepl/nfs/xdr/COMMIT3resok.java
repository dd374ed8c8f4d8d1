package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code COMMIT3resok} (section 3.3.21).
 *
 * <pre>
 * struct COMMIT3resok {
 *     wcc_data   file_wcc;
 *     writeverf3 verf;
 * };
 * </pre>
 */
public class COMMIT3resok implements XdrAble {

    public wcc_data file_wcc = new wcc_data();
    /** writeverf3: exactly {@link nfs3_prot#NFS3_WRITEVERFSIZE} bytes. */
    public byte[] verf = new byte[nfs3_prot.NFS3_WRITEVERFSIZE];

    public COMMIT3resok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        file_wcc.xdrEncode(xdr);
        XdrCodec.encodeFixedOpaque(xdr, verf, nfs3_prot.NFS3_WRITEVERFSIZE, "writeverf3");
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        file_wcc.xdrDecode(xdr);
        verf = xdr.xdrDecodeOpaque(nfs3_prot.NFS3_WRITEVERFSIZE);
    }
}
