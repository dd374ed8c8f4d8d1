package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code pre_op_attr} (section 2.5): the attributes of an object before an
 * operation, when the server has them.
 *
 * <pre>
 * union pre_op_attr switch (bool attributes_follow) {
 * case TRUE:
 *     wcc_attr attributes;
 * case FALSE:
 *     void;
 * };
 * </pre>
 *
 * <p>{@link #attributes} is on the wire only when {@link #attributes_follow} is true.
 * A new instance has no attributes; decoding sets {@link #attributes} to {@code null}
 * when none follow.
 */
public class pre_op_attr implements XdrAble {

    public boolean attributes_follow;
    /** Present when {@link #attributes_follow} is true. */
    public wcc_attr attributes;

    public pre_op_attr() {
    }

    /** Attributes that follow ({@code attributes} non-null) or none ({@code null}). */
    public pre_op_attr(wcc_attr attributes) {
        this.attributes_follow = attributes != null;
        this.attributes = attributes;
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeBoolean(attributes_follow);
        if (attributes_follow) {
            attributes.xdrEncode(xdr);
        }
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        attributes_follow = xdr.xdrDecodeBoolean();
        if (attributes_follow) {
            attributes = new wcc_attr();
            attributes.xdrDecode(xdr);
        } else {
            attributes = null;
        }
    }
}
