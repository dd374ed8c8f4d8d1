package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * <pre>
 * struct nlm4_lock {
 *     string   caller_name&lt;LM_MAXSTRLEN&gt;;
 *     netobj   fh;
 *     netobj   oh;
 *     int32    svid;
 *     uint64   l_offset;
 *     uint64   l_len;
 * };
 * </pre>
 */
public class nlm4_lock implements XdrAble {
    public String caller_name = "";
    public byte[] fh = new byte[0];
    public byte[] oh = new byte[0];
    public int svid;
    public long l_offset;
    public long l_len;

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        XdrCodec.encodeString(xdr, caller_name, nlm4_prot.LM_MAXSTRLEN, "nlm4_lock.caller_name");
        XdrCodec.encodeOpaque(xdr, fh, nlm4_prot.MAXNETOBJ_SZ, "nlm4_lock.fh");
        XdrCodec.encodeOpaque(xdr, oh, nlm4_prot.MAXNETOBJ_SZ, "nlm4_lock.oh");
        xdr.xdrEncodeInt(svid);
        xdr.xdrEncodeLong(l_offset);
        xdr.xdrEncodeLong(l_len);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        caller_name = XdrCodec.decodeString(xdr, nlm4_prot.LM_MAXSTRLEN, "nlm4_lock.caller_name");
        fh = XdrCodec.decodeOpaque(xdr, nlm4_prot.MAXNETOBJ_SZ, "nlm4_lock.fh");
        oh = XdrCodec.decodeOpaque(xdr, nlm4_prot.MAXNETOBJ_SZ, "nlm4_lock.oh");
        svid = xdr.xdrDecodeInt();
        l_offset = xdr.xdrDecodeLong();
        l_len = xdr.xdrDecodeLong();
    }
}
