package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code READDIR3resok} (section 3.3.16).
 *
 * <pre>
 * struct READDIR3resok {
 *     post_op_attr dir_attributes;
 *     cookieverf3  cookieverf;
 *     dirlist3     reply;
 * };
 * </pre>
 */
public class READDIR3resok implements XdrAble {

    public post_op_attr dir_attributes = new post_op_attr();
    /** cookieverf3: exactly {@link nfs3_prot#NFS3_COOKIEVERFSIZE} bytes. */
    public byte[] cookieverf = new byte[nfs3_prot.NFS3_COOKIEVERFSIZE];
    public dirlist3 reply = new dirlist3();

    public READDIR3resok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        dir_attributes.xdrEncode(xdr);
        XdrCodec.encodeFixedOpaque(xdr, cookieverf, nfs3_prot.NFS3_COOKIEVERFSIZE, "cookieverf3");
        reply.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        dir_attributes.xdrDecode(xdr);
        cookieverf = xdr.xdrDecodeOpaque(nfs3_prot.NFS3_COOKIEVERFSIZE);
        reply.xdrDecode(xdr);
    }
}
