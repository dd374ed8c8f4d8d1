package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code specdata3} (section 2.5).
 *
 * <pre>
 * struct specdata3 {
 *     uint32 specdata1;
 *     uint32 specdata2;
 * };
 * </pre>
 *
 * <p>Device numbers of a character or block special file: major in
 * {@code specdata1}, minor in {@code specdata2}; zero for other file types.
 */
public class specdata3 implements XdrAble {

    /** uint32, unsigned. */
    public int specdata1;
    /** uint32, unsigned. */
    public int specdata2;

    public specdata3() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeInt(specdata1);
        xdr.xdrEncodeInt(specdata2);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        specdata1 = xdr.xdrDecodeInt();
        specdata2 = xdr.xdrDecodeInt();
    }
}
