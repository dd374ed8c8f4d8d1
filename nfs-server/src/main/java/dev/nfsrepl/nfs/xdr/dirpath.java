package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code dirpath} (section 5.1.5): a server path name, the argument of
 * {@code MOUNTPROC3_MNT} and {@code MOUNTPROC3_UMNT}.
 *
 * <pre>
 * typedef string dirpath&lt;MNTPATHLEN&gt;;
 * </pre>
 *
 * <p>Decoding throws {@link BadXdrException} for more than
 * {@link nfs3_prot#MNTPATHLEN} (1024) bytes, without allocating. The bytes are decoded
 * as UTF-8 with no C-string handling; malformed sequences become U+FFFD. Structs holding
 * a dirpath use a {@code String} field with {@link #decode} and {@link #encode}.
 */
public class dirpath implements XdrAble {

    public String value = "";

    public dirpath() {
    }

    public dirpath(String value) {
        this.value = value;
    }

    public static String decode(XdrDecodingStream xdr) throws IOException {
        return XdrCodec.decodeString(xdr, nfs3_prot.MNTPATHLEN, "dirpath");
    }

    public static void encode(XdrEncodingStream xdr, String value) throws IOException {
        XdrCodec.encodeString(xdr, value, nfs3_prot.MNTPATHLEN, "dirpath");
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
