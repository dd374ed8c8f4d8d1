package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code set_mode3} (section 2.5): an optional new {@code mode} in a {@link sattr3}.
 *
 * <pre>
 * union set_mode3 switch (bool set_it) {
 * case TRUE:
 *     mode3 mode;
 * default:
 *     void;
 * };
 * </pre>
 *
 * <p>{@link #mode} is on the wire only when {@link #set_it} is true; decoding leaves it 0
 * otherwise. A new instance means "don't change".
 */
public class set_mode3 implements XdrAble {

    public boolean set_it;
    /** mode3: uint32 permission bits; meaningful when {@link #set_it} is true. */
    public int mode;

    public set_mode3() {
    }

    /** Set {@code mode} to the given value. */
    public set_mode3(int mode) {
        this.set_it = true;
        this.mode = mode;
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeBoolean(set_it);
        if (set_it) {
            xdr.xdrEncodeInt(mode);
        }
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        set_it = xdr.xdrDecodeBoolean();
        mode = set_it ? xdr.xdrDecodeInt() : 0;
    }
}
