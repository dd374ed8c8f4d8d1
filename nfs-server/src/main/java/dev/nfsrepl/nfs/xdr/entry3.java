package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code entry3} (section 3.3.16).
 *
 * <pre>
 * struct entry3 {
 *     fileid3   fileid;
 *     filename3 name;
 *     cookie3   cookie;
 *     entry3    *nextentry;
 * };
 * </pre>
 *
 * <p>The {@code nextentry} link is not a field: the entries of a directory listing
 * are the {@link dirlist3#entries} list, and {@link dirlist3} writes and reads the
 * value-follows flags of the chain. {@link #xdrEncode} and {@link #xdrDecode} handle
 * this entry's own fields only.
 */
public class entry3 implements XdrAble {

    /** fileid3: uint64, unsigned. */
    public long fileid;
    /** filename3, see {@link filename3} for the length bound. */
    public String name = "";
    /** cookie3: uint64, opaque to the client. */
    public long cookie;

    public entry3() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeLong(fileid);
        filename3.encode(xdr, name);
        xdr.xdrEncodeLong(cookie);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        fileid = xdr.xdrDecodeLong();
        name = filename3.decode(xdr);
        cookie = xdr.xdrDecodeLong();
    }
}
