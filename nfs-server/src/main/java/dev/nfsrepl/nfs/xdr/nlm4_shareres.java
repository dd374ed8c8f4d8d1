package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * <pre>
 * struct nlm4_shareres { netobj cookie; nlm4_stats stat; int32 sequence; };
 * </pre>
 */
public class nlm4_shareres implements XdrAble {
    public byte[] cookie = new byte[0];
    public int stat;
    public int sequence;

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        XdrCodec.encodeOpaque(xdr, cookie, nlm4_prot.MAXNETOBJ_SZ, "nlm4_shareres.cookie");
        xdr.xdrEncodeInt(stat);
        xdr.xdrEncodeInt(sequence);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        cookie = XdrCodec.decodeOpaque(xdr, nlm4_prot.MAXNETOBJ_SZ, "nlm4_shareres.cookie");
        stat = xdr.xdrDecodeInt();
        sequence = xdr.xdrDecodeInt();
    }
}
