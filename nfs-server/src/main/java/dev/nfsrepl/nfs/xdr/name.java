package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code name} (section 5.1.5): a MOUNT protocol name (host or group name).
 *
 * <pre>
 * typedef string name&lt;MNTNAMLEN&gt;;
 * </pre>
 *
 * <p>Decoding throws {@link BadXdrException} for more than
 * {@link nfs3_prot#MNTNAMLEN} (255) bytes, without allocating; so does encoding. Structs
 * holding a name use a {@code String} field with {@link #decode} and {@link #encode}.
 */
public class name implements XdrAble {

    public String value = "";

    public name() {
    }

    public name(String value) {
        this.value = value;
    }

    public static String decode(XdrDecodingStream xdr) throws IOException {
        return XdrCodec.decodeString(xdr, nfs3_prot.MNTNAMLEN, "name");
    }

    public static void encode(XdrEncodingStream xdr, String value) throws IOException {
        XdrCodec.encodeString(xdr, value, nfs3_prot.MNTNAMLEN, "name");
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
