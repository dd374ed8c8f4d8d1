package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code GETATTR3resok} (section 3.3.1).
 *
 * <pre>
 * struct GETATTR3resok {
 *     fattr3 obj_attributes;
 * };
 * </pre>
 */
public class GETATTR3resok implements XdrAble {

    public fattr3 obj_attributes = new fattr3();

    public GETATTR3resok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        obj_attributes.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        obj_attributes.xdrDecode(xdr);
    }
}
