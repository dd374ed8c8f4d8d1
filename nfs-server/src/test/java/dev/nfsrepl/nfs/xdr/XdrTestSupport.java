package dev.nfsrepl.nfs.xdr;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.util.HexFormat;

import org.dcache.oncrpc4j.xdr.Xdr;
import org.dcache.oncrpc4j.xdr.XdrAble;

/** Encoding and decoding through oncrpc4j's {@link Xdr}, as the RPC layer does. */
final class XdrTestSupport {

    private XdrTestSupport() {
    }

    /** The bytes {@code value} encodes to, starting from a deliberately small buffer. */
    static byte[] encode(XdrAble value) throws IOException {
        Xdr xdr = new Xdr(16);
        xdr.beginEncoding();
        value.xdrEncode(xdr);
        xdr.endEncoding();
        return xdr.getBytes();
    }

    /** Decodes {@code bytes} into {@code target}, which must consume all of them. */
    static <T extends XdrAble> T decode(byte[] bytes, T target) throws IOException {
        Xdr xdr = new Xdr(bytes);
        xdr.beginDecoding();
        target.xdrDecode(xdr);
        assertFalse(xdr.hasMoreData(), "bytes left over after decoding");
        xdr.endDecoding();
        return target;
    }

    /** Hex with optional spaces, e.g. {@code "0000 0046"}. */
    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", "").replace("\n", ""));
    }
}
