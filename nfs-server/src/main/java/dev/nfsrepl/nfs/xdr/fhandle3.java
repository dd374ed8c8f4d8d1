package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code fhandle3} (section 5.1.5): the MOUNT protocol's file handle, the same
 * bytes as the {@code data} of an {@link nfs_fh3}.
 *
 * <pre>
 * typedef opaque fhandle3&lt;FHSIZE3&gt;;
 * </pre>
 *
 * <p>Decoding throws {@link BadXdrException} for more than {@link nfs3_prot#FHSIZE3} (64)
 * bytes, without allocating; so does encoding. {@link mountres3_ok} holds the handle as
 * a {@code byte[]} and uses {@link #decode} and {@link #encode}.
 */
public class fhandle3 implements XdrAble {

    public byte[] value = new byte[0];

    public fhandle3() {
    }

    public fhandle3(byte[] value) {
        this.value = value;
    }

    public static byte[] decode(XdrDecodingStream xdr) throws IOException {
        return XdrCodec.decodeOpaque(xdr, nfs3_prot.FHSIZE3, "fhandle3");
    }

    public static void encode(XdrEncodingStream xdr, byte[] value) throws IOException {
        XdrCodec.encodeOpaque(xdr, value, nfs3_prot.FHSIZE3, "fhandle3");
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        encode(xdr, value);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        value = decode(xdr);
    }
}
