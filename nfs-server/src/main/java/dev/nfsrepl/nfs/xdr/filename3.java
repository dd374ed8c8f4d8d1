package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code filename3} (section 2.5): a name within a directory.
 *
 * <pre>
 * typedef string filename3&lt;&gt;;
 * </pre>
 *
 * <p>Structs hold filenames as plain {@code String} fields and go through
 * {@link #decode} and {@link #encode}; this class is the standalone XDR form.
 *
 * <p>The RFC puts no bound on the length. Decoding caps it at {@link #MAX_LENGTH} bytes
 * (a sanity cap, not the server's name limit: longer names that pass it are for the
 * service to answer with {@code NFS3ERR_NAMETOOLONG}) and throws
 * {@link BadXdrException} above it without allocating. The bytes are decoded as UTF-8
 * with no C-string handling, so embedded NUL bytes and '/' are preserved for the
 * service to reject; malformed UTF-8 sequences become U+FFFD.
 */
public class filename3 implements XdrAble {

    /** Largest filename accepted on the wire, in bytes. */
    public static final int MAX_LENGTH = 4096;

    public String value = "";

    public filename3() {
    }

    public filename3(String value) {
        this.value = value;
    }

    public static String decode(XdrDecodingStream xdr) throws IOException {
        return XdrCodec.decodeString(xdr, MAX_LENGTH, "filename3");
    }

    public static void encode(XdrEncodingStream xdr, String value) throws IOException {
        XdrCodec.encodeString(xdr, value, MAX_LENGTH, "filename3");
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
