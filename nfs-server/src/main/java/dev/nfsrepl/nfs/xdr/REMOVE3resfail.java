package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code REMOVE3resfail} (section 3.3.12).
 *
 * <pre>
 * struct REMOVE3resfail {
 *     wcc_data dir_wcc;
 * };
 * </pre>
 */
public class REMOVE3resfail implements XdrAble {

    public wcc_data dir_wcc = new wcc_data();

    public REMOVE3resfail() {
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
