package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code nfstime3} (section 2.5).
 *
 * <pre>
 * struct nfstime3 {
 *     uint32 seconds;
 *     uint32 nseconds;
 * };
 * </pre>
 *
 * <p>{@code seconds} is unsigned seconds since the Unix epoch (valid until 2106);
 * {@code nseconds} is in the range 0..999,999,999.
 */
public class nfstime3 implements XdrAble {

    /** uint32, unsigned. */
    public int seconds;
    /** uint32, unsigned. */
    public int nseconds;

    public nfstime3() {
    }

    public nfstime3(int seconds, int nseconds) {
        this.seconds = seconds;
        this.nseconds = nseconds;
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeInt(seconds);
        xdr.xdrEncodeInt(nseconds);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        seconds = xdr.xdrDecodeInt();
        nseconds = xdr.xdrDecodeInt();
    }
}
