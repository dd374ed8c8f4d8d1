package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code WRITE3resok} (section 3.3.7).
 *
 * <pre>
 * struct WRITE3resok {
 *     wcc_data   file_wcc;
 *     count3     count;
 *     stable_how committed;
 *     writeverf3 verf;
 * };
 * </pre>
 */
public class WRITE3resok implements XdrAble {

    public wcc_data file_wcc = new wcc_data();
    /** count3: uint32, unsigned. */
    public int count;
    /**
     * stable_how: {@link nfs3_prot#UNSTABLE}, {@link nfs3_prot#DATA_SYNC} or
     * {@link nfs3_prot#FILE_SYNC}.
     */
    public int committed;
    /** writeverf3: exactly {@link nfs3_prot#NFS3_WRITEVERFSIZE} bytes. */
    public byte[] verf = new byte[nfs3_prot.NFS3_WRITEVERFSIZE];

    public WRITE3resok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        file_wcc.xdrEncode(xdr);
        xdr.xdrEncodeInt(count);
        xdr.xdrEncodeInt(committed);
        XdrCodec.encodeFixedOpaque(xdr, verf, nfs3_prot.NFS3_WRITEVERFSIZE, "writeverf3");
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        file_wcc.xdrDecode(xdr);
        count = xdr.xdrDecodeInt();
        committed = xdr.xdrDecodeInt();
        verf = xdr.xdrDecodeOpaque(nfs3_prot.NFS3_WRITEVERFSIZE);
    }
}
