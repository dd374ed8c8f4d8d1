package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * <pre>
 * struct nlm4_lockargs {
 *     netobj    cookie;
 *     bool      block;
 *     bool      exclusive;
 *     nlm4_lock alock;
 *     bool      reclaim;
 *     int32     state;
 * };
 * </pre>
 * (also the argument of GRANTED, the server's callback)
 */
public class nlm4_lockargs implements XdrAble {
    public byte[] cookie = new byte[0];
    public boolean block;
    public boolean exclusive;
    public nlm4_lock alock = new nlm4_lock();
    public boolean reclaim;
    public int state;

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        XdrCodec.encodeOpaque(xdr, cookie, nlm4_prot.MAXNETOBJ_SZ, "nlm4_lockargs.cookie");
        xdr.xdrEncodeBoolean(block);
        xdr.xdrEncodeBoolean(exclusive);
        alock.xdrEncode(xdr);
        xdr.xdrEncodeBoolean(reclaim);
        xdr.xdrEncodeInt(state);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        cookie = XdrCodec.decodeOpaque(xdr, nlm4_prot.MAXNETOBJ_SZ, "nlm4_lockargs.cookie");
        block = xdr.xdrDecodeBoolean();
        exclusive = xdr.xdrDecodeBoolean();
        alock.xdrDecode(xdr);
        reclaim = xdr.xdrDecodeBoolean();
        state = xdr.xdrDecodeInt();
    }
}
