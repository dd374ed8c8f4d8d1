package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code set_gid3} (section 2.5): an optional new {@code gid} in a {@link sattr3}.
 *
 * <pre>
 * union set_gid3 switch (bool set_it) {
 * case TRUE:
 *     gid3 gid;
 * default:
 *     void;
 * };
 * </pre>
 *
 * <p>{@link #gid} is on the wire only when {@link #set_it} is true; decoding leaves it 0
 * otherwise. A new instance means "don't change".
 */
public class set_gid3 implements XdrAble {

    public boolean set_it;
    /** gid3: uint32, unsigned; meaningful when {@link #set_it} is true. */
    public int gid;

    public set_gid3() {
    }

    /** Set {@code gid} to the given value. */
    public set_gid3(int gid) {
        this.set_it = true;
        this.gid = gid;
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeBoolean(set_it);
        if (set_it) {
            xdr.xdrEncodeInt(gid);
        }
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        set_it = xdr.xdrDecodeBoolean();
        gid = set_it ? xdr.xdrDecodeInt() : 0;
    }
}
