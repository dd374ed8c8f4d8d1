package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code symlinkdata3} (section 3.3.10).
 *
 * <pre>
 * struct symlinkdata3 {
 *     sattr3   symlink_attributes;
 *     nfspath3 symlink_data;
 * };
 * </pre>
 */
public class symlinkdata3 implements XdrAble {

    public sattr3 symlink_attributes = new sattr3();
    /** nfspath3, see {@link nfspath3} for the length bound. */
    public String symlink_data = "";

    public symlinkdata3() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        symlink_attributes.xdrEncode(xdr);
        nfspath3.encode(xdr, symlink_data);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        symlink_attributes.xdrDecode(xdr);
        symlink_data = nfspath3.decode(xdr);
    }
}
