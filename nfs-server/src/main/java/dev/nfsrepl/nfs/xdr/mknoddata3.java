package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code mknoddata3} (section 3.3.11): what MKNOD creates.
 *
 * <pre>
 * union mknoddata3 switch (ftype3 type) {
 * case NF3CHR:
 * case NF3BLK:
 *     devicedata3 device;
 * case NF3SOCK:
 * case NF3FIFO:
 *     sattr3      pipe_attributes;
 * default:
 *     void;
 * };
 * </pre>
 *
 * <p>{@link #type} is an {@code ftype3}. Device types are followed by {@link #device},
 * sockets and FIFOs by {@link #pipe_attributes}, anything else (NF3REG, NF3DIR, NF3LNK or
 * an out-of-range value) by nothing; the service answers those with
 * {@code NFS3ERR_BADTYPE}. Decoding sets the arms that are not on the wire to
 * {@code null}.
 */
public class mknoddata3 implements XdrAble {

    /** ftype3: one of the {@code NF3*} constants in {@link nfs3_prot}. */
    public int type;
    /** Present for NF3CHR and NF3BLK. */
    public devicedata3 device;
    /** Present for NF3SOCK and NF3FIFO. */
    public sattr3 pipe_attributes;

    public mknoddata3() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeInt(type);
        switch (type) {
            case nfs3_prot.NF3CHR:
            case nfs3_prot.NF3BLK:
                device.xdrEncode(xdr);
                break;
            case nfs3_prot.NF3SOCK:
            case nfs3_prot.NF3FIFO:
                pipe_attributes.xdrEncode(xdr);
                break;
            default:
                break;
        }
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        type = xdr.xdrDecodeInt();
        device = null;
        pipe_attributes = null;
        switch (type) {
            case nfs3_prot.NF3CHR:
            case nfs3_prot.NF3BLK:
                device = new devicedata3();
                device.xdrDecode(xdr);
                break;
            case nfs3_prot.NF3SOCK:
            case nfs3_prot.NF3FIFO:
                pipe_attributes = new sattr3();
                pipe_attributes.xdrDecode(xdr);
                break;
            default:
                break;
        }
    }
}
