package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code RENAME3resok} (section 3.3.14).
 *
 * <pre>
 * struct RENAME3resok {
 *     wcc_data fromdir_wcc;
 *     wcc_data todir_wcc;
 * };
 * </pre>
 */
public class RENAME3resok implements XdrAble {

    public wcc_data fromdir_wcc = new wcc_data();
    public wcc_data todir_wcc = new wcc_data();

    public RENAME3resok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        fromdir_wcc.xdrEncode(xdr);
        todir_wcc.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        fromdir_wcc.xdrDecode(xdr);
        todir_wcc.xdrDecode(xdr);
    }
}
