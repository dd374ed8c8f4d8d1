package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code nfs_fh3} (section 2.5): the NFS version 3 file handle.
 *
 * <pre>
 * struct nfs_fh3 {
 *     opaque data&lt;NFS3_FHSIZE&gt;;
 * };
 * </pre>
 *
 * <p>Decoding rejects a handle longer than {@link nfs3_prot#NFS3_FHSIZE} (64) bytes with
 * {@link BadXdrException} before allocating anything; so does encoding.
 */
public class nfs_fh3 implements XdrAble {

    /** The handle bytes, 0 to 64 of them. */
    public byte[] data = new byte[0];

    public nfs_fh3() {
    }

    public nfs_fh3(byte[] data) {
        this.data = data;
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        XdrCodec.encodeOpaque(xdr, data, nfs3_prot.NFS3_FHSIZE, "nfs_fh3");
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        data = XdrCodec.decodeOpaque(xdr, nfs3_prot.NFS3_FHSIZE, "nfs_fh3");
    }

    /** The handle as hex, for logs. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(data.length * 2);
        for (byte b : data) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16));
            sb.append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }
}
