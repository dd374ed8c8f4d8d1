package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code READDIR3args} (section 3.3.16).
 *
 * <pre>
 * struct READDIR3args {
 *     nfs_fh3     dir;
 *     cookie3     cookie;
 *     cookieverf3 cookieverf;
 *     count3      count;
 * };
 * </pre>
 */
public class READDIR3args implements XdrAble {

    public nfs_fh3 dir = new nfs_fh3();
    /** cookie3: uint64, opaque to the client. */
    public long cookie;
    /** cookieverf3: exactly {@link nfs3_prot#NFS3_COOKIEVERFSIZE} bytes. */
    public byte[] cookieverf = new byte[nfs3_prot.NFS3_COOKIEVERFSIZE];
    /** count3: uint32, unsigned. */
    public int count;

    public READDIR3args() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        dir.xdrEncode(xdr);
        xdr.xdrEncodeLong(cookie);
        XdrCodec.encodeFixedOpaque(xdr, cookieverf, nfs3_prot.NFS3_COOKIEVERFSIZE, "cookieverf3");
        xdr.xdrEncodeInt(count);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        dir.xdrDecode(xdr);
        cookie = xdr.xdrDecodeLong();
        cookieverf = xdr.xdrDecodeOpaque(nfs3_prot.NFS3_COOKIEVERFSIZE);
        count = xdr.xdrDecodeInt();
    }
}
