package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code set_size3} (section 2.5): an optional new {@code size} in a {@link sattr3}.
 *
 * <pre>
 * union set_size3 switch (bool set_it) {
 * case TRUE:
 *     size3 size;
 * default:
 *     void;
 * };
 * </pre>
 *
 * <p>{@link #size} is on the wire only when {@link #set_it} is true; decoding leaves it 0
 * otherwise. A new instance means "don't change".
 */
public class set_size3 implements XdrAble {

    public boolean set_it;
    /** size3: uint64, unsigned; meaningful when {@link #set_it} is true. */
    public long size;

    public set_size3() {
    }

    /** Set {@code size} to the given value. */
    public set_size3(long size) {
        this.set_it = true;
        this.size = size;
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeBoolean(set_it);
        if (set_it) {
            xdr.xdrEncodeLong(size);
        }
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        set_it = xdr.xdrDecodeBoolean();
        size = set_it ? xdr.xdrDecodeLong() : 0;
    }
}
