package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code PATHCONF3resok} (section 3.3.20).
 *
 * <pre>
 * struct PATHCONF3resok {
 *     post_op_attr obj_attributes;
 *     uint32       linkmax;
 *     uint32       name_max;
 *     bool         no_trunc;
 *     bool         chown_restricted;
 *     bool         case_insensitive;
 *     bool         case_preserving;
 * };
 * </pre>
 */
public class PATHCONF3resok implements XdrAble {

    public post_op_attr obj_attributes = new post_op_attr();
    /** uint32, unsigned. */
    public int linkmax;
    /** uint32, unsigned. */
    public int name_max;
    public boolean no_trunc;
    public boolean chown_restricted;
    public boolean case_insensitive;
    public boolean case_preserving;

    public PATHCONF3resok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        obj_attributes.xdrEncode(xdr);
        xdr.xdrEncodeInt(linkmax);
        xdr.xdrEncodeInt(name_max);
        xdr.xdrEncodeBoolean(no_trunc);
        xdr.xdrEncodeBoolean(chown_restricted);
        xdr.xdrEncodeBoolean(case_insensitive);
        xdr.xdrEncodeBoolean(case_preserving);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        obj_attributes.xdrDecode(xdr);
        linkmax = xdr.xdrDecodeInt();
        name_max = xdr.xdrDecodeInt();
        no_trunc = xdr.xdrDecodeBoolean();
        chown_restricted = xdr.xdrDecodeBoolean();
        case_insensitive = xdr.xdrDecodeBoolean();
        case_preserving = xdr.xdrDecodeBoolean();
    }
}
