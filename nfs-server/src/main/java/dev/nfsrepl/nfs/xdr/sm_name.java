package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * <pre>
 * struct sm_name { string mon_name&lt;SM_MAXSTRLEN&gt;; };
 * </pre>
 * The argument of the status monitor's SM_STAT (program 100024).
 */
public class sm_name implements XdrAble {
    public String mon_name = "";

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        XdrCodec.encodeString(xdr, mon_name, nlm4_prot.LM_MAXSTRLEN, "sm_name.mon_name");
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        mon_name = XdrCodec.decodeString(xdr, nlm4_prot.LM_MAXSTRLEN, "sm_name.mon_name");
    }
}
