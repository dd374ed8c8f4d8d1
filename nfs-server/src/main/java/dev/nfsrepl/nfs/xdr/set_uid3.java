package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code set_uid3} (section 2.5): an optional new {@code uid} in a {@link sattr3}.
 *
 * <pre>
 * union set_uid3 switch (bool set_it) {
 * case TRUE:
 *     uid3 uid;
 * default:
 *     void;
 * };
 * </pre>
 *
 * <p>{@link #uid} is on the wire only when {@link #set_it} is true; decoding leaves it 0
 * otherwise. A new instance means "don't change".
 */
public class set_uid3 implements XdrAble {

    public boolean set_it;
    /** uid3: uint32, unsigned; meaningful when {@link #set_it} is true. */
    public int uid;

    public set_uid3() {
    }

    /** Set {@code uid} to the given value. */
    public set_uid3(int uid) {
        this.set_it = true;
        this.uid = uid;
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeBoolean(set_it);
        if (set_it) {
            xdr.xdrEncodeInt(uid);
        }
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        set_it = xdr.xdrDecodeBoolean();
        uid = set_it ? xdr.xdrDecodeInt() : 0;
    }
}
