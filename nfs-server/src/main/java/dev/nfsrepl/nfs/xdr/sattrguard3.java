package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code sattrguard3} (section 3.3.2): the optional ctime check of SETATTR.
 *
 * <pre>
 * union sattrguard3 switch (bool check) {
 * case TRUE:
 *     nfstime3 obj_ctime;
 * case FALSE:
 *     void;
 * };
 * </pre>
 *
 * <p>{@link #obj_ctime} is on the wire only when {@link #check} is true; decoding sets it
 * to {@code null} otherwise. A new instance means "no check".
 */
public class sattrguard3 implements XdrAble {

    public boolean check;
    /** Present when {@link #check} is true. */
    public nfstime3 obj_ctime;

    public sattrguard3() {
    }

    /** Check against the given ctime. */
    public sattrguard3(nfstime3 obj_ctime) {
        this.check = true;
        this.obj_ctime = obj_ctime;
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeBoolean(check);
        if (check) {
            obj_ctime.xdrEncode(xdr);
        }
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        check = xdr.xdrDecodeBoolean();
        if (check) {
            obj_ctime = new nfstime3();
            obj_ctime.xdrDecode(xdr);
        } else {
            obj_ctime = null;
        }
    }
}
