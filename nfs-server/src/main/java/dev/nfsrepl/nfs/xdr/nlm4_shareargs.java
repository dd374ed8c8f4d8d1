package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * <pre>
 * struct nlm4_share { string caller_name&lt;LM_MAXSTRLEN&gt;; netobj fh; netobj oh; fsh4_mode mode; fsh4_access access; };
 * struct nlm4_shareargs { netobj cookie; nlm4_share share; bool reclaim; };
 * </pre>
 * {@code mode}: what others are denied (bits: 1 read, 2 write); {@code access}: what the owner does.
 */
public class nlm4_shareargs implements XdrAble {
    public byte[] cookie = new byte[0];
    public String caller_name = "";
    public byte[] fh = new byte[0];
    public byte[] oh = new byte[0];
    public int mode;
    public int access;
    public boolean reclaim;

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        XdrCodec.encodeOpaque(xdr, cookie, nlm4_prot.MAXNETOBJ_SZ, "nlm4_shareargs.cookie");
        XdrCodec.encodeString(xdr, caller_name, nlm4_prot.LM_MAXSTRLEN, "nlm4_share.caller_name");
        XdrCodec.encodeOpaque(xdr, fh, nlm4_prot.MAXNETOBJ_SZ, "nlm4_share.fh");
        XdrCodec.encodeOpaque(xdr, oh, nlm4_prot.MAXNETOBJ_SZ, "nlm4_share.oh");
        xdr.xdrEncodeInt(mode);
        xdr.xdrEncodeInt(access);
        xdr.xdrEncodeBoolean(reclaim);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        cookie = XdrCodec.decodeOpaque(xdr, nlm4_prot.MAXNETOBJ_SZ, "nlm4_shareargs.cookie");
        caller_name = XdrCodec.decodeString(xdr, nlm4_prot.LM_MAXSTRLEN, "nlm4_share.caller_name");
        fh = XdrCodec.decodeOpaque(xdr, nlm4_prot.MAXNETOBJ_SZ, "nlm4_share.fh");
        oh = XdrCodec.decodeOpaque(xdr, nlm4_prot.MAXNETOBJ_SZ, "nlm4_share.oh");
        mode = xdr.xdrDecodeInt();
        access = xdr.xdrDecodeInt();
        reclaim = xdr.xdrDecodeBoolean();
    }
}
