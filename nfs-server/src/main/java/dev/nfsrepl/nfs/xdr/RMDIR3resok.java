package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code RMDIR3resok} (section 3.3.13).
 *
 * <pre>
 * struct RMDIR3resok {
 *     wcc_data dir_wcc;
 * };
 * </pre>
 */
public class RMDIR3resok implements XdrAble {

    public wcc_data dir_wcc = new wcc_data();

    public RMDIR3resok() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        dir_wcc.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        dir_wcc.xdrDecode(xdr);
    }
}
