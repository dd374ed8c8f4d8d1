package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code FSSTAT3resok} (section 3.3.18).
 *
 * <pre>
 * struct FSSTAT3resok {
 *     post_op_attr obj_attributes;
 *     size3        tbytes;
 *     size3        fbytes;
 *     size3        abytes;
 *     size3        tfiles;
 *     size3        ffiles;
 *     size3        afiles;
 *     uint32       invarsec;
 * };
 * </pre>
 */
public class FSSTAT3resok implements XdrAble {

    public post_op_attr obj_attributes = new post_op_attr();
    /** size3: uint64, unsigned. */
    public long tbytes;
    /** size3: uint64, unsigned. */
    public long fbytes;
    /** size3: uint64, unsigned. */
    public long abytes;
    /** size3: uint64, unsigned. */
    public long tfiles;
    /** size3: uint64, unsigned. */
    public long ffiles;
    /** size3: uint64, unsigned. */
    public long afiles;
    /** uint32, unsigned. */
    public int invarsec;

    public FSSTAT3resok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        obj_attributes.xdrEncode(xdr);
        xdr.xdrEncodeLong(tbytes);
        xdr.xdrEncodeLong(fbytes);
        xdr.xdrEncodeLong(abytes);
        xdr.xdrEncodeLong(tfiles);
        xdr.xdrEncodeLong(ffiles);
        xdr.xdrEncodeLong(afiles);
        xdr.xdrEncodeInt(invarsec);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        obj_attributes.xdrDecode(xdr);
        tbytes = xdr.xdrDecodeLong();
        fbytes = xdr.xdrDecodeLong();
        abytes = xdr.xdrDecodeLong();
        tfiles = xdr.xdrDecodeLong();
        ffiles = xdr.xdrDecodeLong();
        afiles = xdr.xdrDecodeLong();
        invarsec = xdr.xdrDecodeInt();
    }
}
