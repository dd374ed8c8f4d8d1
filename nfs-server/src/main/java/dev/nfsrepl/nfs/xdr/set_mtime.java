package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code set_mtime} (section 2.5): what to do with the {@code mtime} of a file in a
 * {@link sattr3}.
 *
 * <pre>
 * union set_mtime switch (time_how set_it) {
 * case SET_TO_CLIENT_TIME:
 *     nfstime3 mtime;
 * default:
 *     void;
 * };
 * </pre>
 *
 * <p>{@link #set_it} is a {@code time_how}: {@link nfs3_prot#DONT_CHANGE},
 * {@link nfs3_prot#SET_TO_SERVER_TIME} or {@link nfs3_prot#SET_TO_CLIENT_TIME}. Only the
 * last is followed by {@link #mtime}. Any other value falls under the {@code default} arm
 * and is decoded as-is, so the service can refuse it ({@code NFS3ERR_INVAL}).
 * Decoding sets {@link #mtime} to {@code null} unless the client sent a time. A new
 * instance means "don't change".
 */
public class set_mtime implements XdrAble {

    /** time_how, one of the constants above. */
    public int set_it = nfs3_prot.DONT_CHANGE;
    /** Present when {@code set_it == SET_TO_CLIENT_TIME}. */
    public nfstime3 mtime;

    public set_mtime() {
    }

    /** {@code set_it} with no time: {@code DONT_CHANGE} or {@code SET_TO_SERVER_TIME}. */
    public set_mtime(int set_it) {
        this.set_it = set_it;
    }

    /** Set to the given time ({@code SET_TO_CLIENT_TIME}). */
    public set_mtime(nfstime3 mtime) {
        this.set_it = nfs3_prot.SET_TO_CLIENT_TIME;
        this.mtime = mtime;
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeInt(set_it);
        if (set_it == nfs3_prot.SET_TO_CLIENT_TIME) {
            mtime.xdrEncode(xdr);
        }
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        set_it = xdr.xdrDecodeInt();
        if (set_it == nfs3_prot.SET_TO_CLIENT_TIME) {
            mtime = new nfstime3();
            mtime.xdrDecode(xdr);
        } else {
            mtime = null;
        }
    }
}
