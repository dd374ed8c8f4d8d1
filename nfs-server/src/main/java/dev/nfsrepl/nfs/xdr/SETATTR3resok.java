package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code SETATTR3resok} (section 3.3.2).
 *
 * <pre>
 * struct SETATTR3resok {
 *     wcc_data obj_wcc;
 * };
 * </pre>
 */
public class SETATTR3resok implements XdrAble {

    public wcc_data obj_wcc = new wcc_data();

    public SETATTR3resok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        obj_wcc.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        obj_wcc.xdrDecode(xdr);
    }
}
