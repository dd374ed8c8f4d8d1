package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * <pre>
 * struct nlm4_holder { bool exclusive; int32 svid; netobj oh; uint64 l_offset; uint64 l_len; };
 * union nlm4_testrply switch (nlm4_stats stat) { case NLM4_DENIED: nlm4_holder holder; default: void; };
 * struct nlm4_testres { netobj cookie; nlm4_testrply stat; };
 * </pre>
 */
public class nlm4_testres implements XdrAble {
    public byte[] cookie = new byte[0];
    public int stat;
    // the holder, when stat is NLM4_DENIED
    public boolean exclusive;
    public int svid;
    public byte[] oh = new byte[0];
    public long l_offset;
    public long l_len;

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        XdrCodec.encodeOpaque(xdr, cookie, nlm4_prot.MAXNETOBJ_SZ, "nlm4_testres.cookie");
        xdr.xdrEncodeInt(stat);
        if (stat == nlm4_prot.NLM4_DENIED) {
            xdr.xdrEncodeBoolean(exclusive);
            xdr.xdrEncodeInt(svid);
            XdrCodec.encodeOpaque(xdr, oh, nlm4_prot.MAXNETOBJ_SZ, "nlm4_holder.oh");
            xdr.xdrEncodeLong(l_offset);
            xdr.xdrEncodeLong(l_len);
        }
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        cookie = XdrCodec.decodeOpaque(xdr, nlm4_prot.MAXNETOBJ_SZ, "nlm4_testres.cookie");
        stat = xdr.xdrDecodeInt();
        if (stat == nlm4_prot.NLM4_DENIED) {
            exclusive = xdr.xdrDecodeBoolean();
            svid = xdr.xdrDecodeInt();
            oh = XdrCodec.decodeOpaque(xdr, nlm4_prot.MAXNETOBJ_SZ, "nlm4_holder.oh");
            l_offset = xdr.xdrDecodeLong();
            l_len = xdr.xdrDecodeLong();
        }
    }
}
