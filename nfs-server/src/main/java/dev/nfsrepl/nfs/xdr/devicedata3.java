package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code devicedata3} (section 3.3.11).
 *
 * <pre>
 * struct devicedata3 {
 *     sattr3    dev_attributes;
 *     specdata3 spec;
 * };
 * </pre>
 */
public class devicedata3 implements XdrAble {

    public sattr3 dev_attributes = new sattr3();
    public specdata3 spec = new specdata3();

    public devicedata3() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        dev_attributes.xdrEncode(xdr);
        spec.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        dev_attributes.xdrDecode(xdr);
        spec.xdrDecode(xdr);
    }
}
