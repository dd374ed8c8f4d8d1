package dev.nfsrepl.nfs.xdr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code exportnode} (section 5.2.5): one exported directory.
 *
 * <pre>
 * struct exportnode {
 *     dirpath ex_dir;
 *     groups  ex_groups;
 *     exports ex_next;
 * };
 *
 * typedef groupnode *groups;
 * </pre>
 *
 * <p>{@link #ex_groups} is the {@code groups} chain as a list (each {@link groupnode}
 * preceded by TRUE, then FALSE). The {@code ex_next} link is not a field: the nodes are
 * the {@link exports#entries} list. {@link #xdrEncode} and {@link #xdrDecode} handle
 * {@code ex_dir} and {@code ex_groups} only.
 */
public class exportnode implements XdrAble {

    /** dirpath, at most {@link nfs3_prot#MNTPATHLEN} bytes. */
    public String ex_dir = "";
    /** The groups (or hosts) allowed to mount {@link #ex_dir}; never {@code null}. */
    public List<groupnode> ex_groups = new ArrayList<>();

    public exportnode() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        dirpath.encode(xdr, ex_dir);
        XdrCodec.encodeList(xdr, ex_groups);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        ex_dir = dirpath.decode(xdr);
        ex_groups = XdrCodec.decodeList(xdr, groupnode::new);
    }
}
