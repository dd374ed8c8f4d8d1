package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code COMMIT3resfail} (section 3.3.21).
 *
 * <pre>
 * struct COMMIT3resfail {
 *     wcc_data file_wcc;
 * };
 * </pre>
 */
public class COMMIT3resfail implements XdrAble {

    public wcc_data file_wcc = new wcc_data();

    public COMMIT3resfail() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        file_wcc.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        file_wcc.xdrDecode(xdr);
    }
}
