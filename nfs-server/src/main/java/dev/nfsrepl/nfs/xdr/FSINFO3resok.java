package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code FSINFO3resok} (section 3.3.19).
 *
 * <pre>
 * struct FSINFO3resok {
 *     post_op_attr obj_attributes;
 *     uint32       rtmax;
 *     uint32       rtpref;
 *     uint32       rtmult;
 *     uint32       wtmax;
 *     uint32       wtpref;
 *     uint32       wtmult;
 *     uint32       dtpref;
 *     size3        maxfilesize;
 *     nfstime3     time_delta;
 *     uint32       properties;
 * };
 * </pre>
 *
 * <p>{@code properties} is a bit mask of the {@code FSF3_*} constants in {@link nfs3_prot}.
 */
public class FSINFO3resok implements XdrAble {

    public post_op_attr obj_attributes = new post_op_attr();
    /** uint32, unsigned. */
    public int rtmax;
    /** uint32, unsigned. */
    public int rtpref;
    /** uint32, unsigned. */
    public int rtmult;
    /** uint32, unsigned. */
    public int wtmax;
    /** uint32, unsigned. */
    public int wtpref;
    /** uint32, unsigned. */
    public int wtmult;
    /** uint32, unsigned. */
    public int dtpref;
    /** size3: uint64, unsigned. */
    public long maxfilesize;
    public nfstime3 time_delta = new nfstime3();
    /** uint32, unsigned. */
    public int properties;

    public FSINFO3resok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        obj_attributes.xdrEncode(xdr);
        xdr.xdrEncodeInt(rtmax);
        xdr.xdrEncodeInt(rtpref);
        xdr.xdrEncodeInt(rtmult);
        xdr.xdrEncodeInt(wtmax);
        xdr.xdrEncodeInt(wtpref);
        xdr.xdrEncodeInt(wtmult);
        xdr.xdrEncodeInt(dtpref);
        xdr.xdrEncodeLong(maxfilesize);
        time_delta.xdrEncode(xdr);
        xdr.xdrEncodeInt(properties);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        obj_attributes.xdrDecode(xdr);
        rtmax = xdr.xdrDecodeInt();
        rtpref = xdr.xdrDecodeInt();
        rtmult = xdr.xdrDecodeInt();
        wtmax = xdr.xdrDecodeInt();
        wtpref = xdr.xdrDecodeInt();
        wtmult = xdr.xdrDecodeInt();
        dtpref = xdr.xdrDecodeInt();
        maxfilesize = xdr.xdrDecodeLong();
        time_delta.xdrDecode(xdr);
        properties = xdr.xdrDecodeInt();
    }
}
