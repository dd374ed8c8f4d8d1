package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code ACCESS3resok} (section 3.3.4).
 *
 * <pre>
 * struct ACCESS3resok {
 *     post_op_attr obj_attributes;
 *     uint32       access;
 * };
 * </pre>
 *
 * <p>{@code access} is a bit mask of the {@code ACCESS3_*} constants in {@link nfs3_prot}.
 */
public class ACCESS3resok implements XdrAble {

    public post_op_attr obj_attributes = new post_op_attr();
    /** uint32, unsigned. */
    public int access;

    public ACCESS3resok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        obj_attributes.xdrEncode(xdr);
        xdr.xdrEncodeInt(access);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        obj_attributes.xdrDecode(xdr);
        access = xdr.xdrDecodeInt();
    }
}
