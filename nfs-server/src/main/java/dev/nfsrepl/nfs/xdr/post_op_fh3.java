package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code post_op_fh3} (section 2.5): a file handle that may or may not follow.
 *
 * <pre>
 * union post_op_fh3 switch (bool handle_follows) {
 * case TRUE:
 *     nfs_fh3 handle;
 * case FALSE:
 *     void;
 * };
 * </pre>
 *
 * <p>{@link #handle} is on the wire only when {@link #handle_follows} is true. A new
 * instance has no handle; decoding sets {@link #handle} to {@code null} when none
 * follows.
 */
public class post_op_fh3 implements XdrAble {

    public boolean handle_follows;
    /** Present when {@link #handle_follows} is true. */
    public nfs_fh3 handle;

    public post_op_fh3() {
    }

    /** A handle that follows ({@code handle} non-null) or none ({@code null}). */
    public post_op_fh3(nfs_fh3 handle) {
        this.handle_follows = handle != null;
        this.handle = handle;
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeBoolean(handle_follows);
        if (handle_follows) {
            handle.xdrEncode(xdr);
        }
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        handle_follows = xdr.xdrDecodeBoolean();
        if (handle_follows) {
            handle = new nfs_fh3();
            handle.xdrDecode(xdr);
        } else {
            handle = null;
        }
    }
}
