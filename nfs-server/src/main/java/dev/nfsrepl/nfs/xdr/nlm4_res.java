package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * <pre>
 * struct nlm4_res { netobj cookie; nlm4_stats stat; };
 * </pre>
 */
public class nlm4_res implements XdrAble {
    public byte[] cookie = new byte[0];
    public int stat;

    public nlm4_res() {
    }

    public nlm4_res(byte[] cookie, int stat) {
        this.cookie = cookie;
        this.stat = stat;
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        XdrCodec.encodeOpaque(xdr, cookie, nlm4_prot.MAXNETOBJ_SZ, "nlm4_res.cookie");
        xdr.xdrEncodeInt(stat);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        cookie = XdrCodec.decodeOpaque(xdr, nlm4_prot.MAXNETOBJ_SZ, "nlm4_res.cookie");
        stat = xdr.xdrDecodeInt();
    }
}
