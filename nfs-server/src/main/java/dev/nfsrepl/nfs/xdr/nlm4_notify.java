package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * <pre>
 * struct nlm4_notify { string name&lt;LM_MAXSTRLEN&gt;; int32 state; };
 * </pre>
 * The argument of FREE_ALL: a client host that rebooted (its locks go). The status monitor's
 * SM_NOTIFY argument has the same shape: {@code struct stat_chge { string mon_name<SM_MAXSTRLEN>;
 * int state; }} (SM_MAXSTRLEN = LM_MAXSTRLEN = 1024).
 */
public class nlm4_notify implements XdrAble {
    public String name = "";
    public int state;

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        XdrCodec.encodeString(xdr, name, nlm4_prot.LM_MAXSTRLEN, "nlm4_notify.name");
        xdr.xdrEncodeInt(state);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        name = XdrCodec.decodeString(xdr, nlm4_prot.LM_MAXSTRLEN, "nlm4_notify.name");
        state = xdr.xdrDecodeInt();
    }
}
