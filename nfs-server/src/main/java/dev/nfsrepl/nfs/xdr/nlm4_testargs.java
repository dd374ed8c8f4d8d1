package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * <pre>
 * struct nlm4_testargs { netobj cookie; bool exclusive; nlm4_lock alock; };
 * </pre>
 */
public class nlm4_testargs implements XdrAble {
    public byte[] cookie = new byte[0];
    public boolean exclusive;
    public nlm4_lock alock = new nlm4_lock();

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        XdrCodec.encodeOpaque(xdr, cookie, nlm4_prot.MAXNETOBJ_SZ, "nlm4_testargs.cookie");
        xdr.xdrEncodeBoolean(exclusive);
        alock.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        cookie = XdrCodec.decodeOpaque(xdr, nlm4_prot.MAXNETOBJ_SZ, "nlm4_testargs.cookie");
        exclusive = xdr.xdrDecodeBoolean();
        alock.xdrDecode(xdr);
    }
}
