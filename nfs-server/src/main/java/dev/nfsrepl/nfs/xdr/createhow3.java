package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code createhow3} (section 3.3.8): how CREATE creates a file.
 *
 * <pre>
 * union createhow3 switch (createmode3 mode) {
 * case UNCHECKED:
 * case GUARDED:
 *     sattr3      obj_attributes;
 * case EXCLUSIVE:
 *     createverf3 verf;
 * };
 * </pre>
 *
 * <p>{@link #mode} is a {@code createmode3}: {@link nfs3_prot#UNCHECKED} and
 * {@link nfs3_prot#GUARDED} are followed by {@link #obj_attributes},
 * {@link nfs3_prot#EXCLUSIVE} by the 8-byte {@link #verf}. The union has no default arm,
 * so any other mode cannot be decoded and throws {@link BadXdrException}. Decoding sets
 * the arm that is not on the wire to {@code null}.
 */
public class createhow3 implements XdrAble {

    /** createmode3, one of the constants above. */
    public int mode = nfs3_prot.UNCHECKED;
    /** Present for UNCHECKED and GUARDED. */
    public sattr3 obj_attributes = new sattr3();
    /** Present for EXCLUSIVE: exactly {@link nfs3_prot#NFS3_CREATEVERFSIZE} bytes. */
    public byte[] verf;

    public createhow3() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeInt(mode);
        switch (mode) {
            case nfs3_prot.UNCHECKED:
            case nfs3_prot.GUARDED:
                obj_attributes.xdrEncode(xdr);
                break;
            case nfs3_prot.EXCLUSIVE:
                XdrCodec.encodeFixedOpaque(xdr, verf, nfs3_prot.NFS3_CREATEVERFSIZE, "createverf3");
                break;
            default:
                throw new BadXdrException("createhow3: unknown createmode3 " + mode);
        }
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        mode = xdr.xdrDecodeInt();
        switch (mode) {
            case nfs3_prot.UNCHECKED:
            case nfs3_prot.GUARDED:
                obj_attributes = new sattr3();
                obj_attributes.xdrDecode(xdr);
                verf = null;
                break;
            case nfs3_prot.EXCLUSIVE:
                verf = xdr.xdrDecodeOpaque(nfs3_prot.NFS3_CREATEVERFSIZE);
                obj_attributes = null;
                break;
            default:
                throw new BadXdrException("createhow3: unknown createmode3 " + mode);
        }
    }
}
