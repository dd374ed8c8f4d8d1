package dev.nfsrepl.nfs.xdr;

import java.io.IOException;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;

/**
 * RFC 1813 {@code fattr3} (section 2.5).
 *
 * <pre>
 * struct fattr3 {
 *     ftype3    type;
 *     mode3     mode;
 *     uint32    nlink;
 *     uid3      uid;
 *     gid3      gid;
 *     size3     size;
 *     size3     used;
 *     specdata3 rdev;
 *     uint64    fsid;
 *     fileid3   fileid;
 *     nfstime3  atime;
 *     nfstime3  mtime;
 *     nfstime3  ctime;
 * };
 * </pre>
 *
 * <p>Always 84 bytes on the wire. {@code mode} carries only the permission, setuid,
 * setgid and sticky bits (mask 07777); the file type is in {@code type}.
 */
public class fattr3 implements XdrAble {

    /** ftype3: one of the {@code NF3*} constants in {@link nfs3_prot}. */
    public int type;
    /** mode3: uint32, permission bits. */
    public int mode;
    /** uint32, unsigned. */
    public int nlink;
    /** uid3: uint32, unsigned. */
    public int uid;
    /** gid3: uint32, unsigned. */
    public int gid;
    /** size3: uint64, unsigned. */
    public long size;
    /** size3: uint64, unsigned. */
    public long used;
    public specdata3 rdev = new specdata3();
    /** uint64, unsigned. */
    public long fsid;
    /** fileid3: uint64, unsigned. */
    public long fileid;
    public nfstime3 atime = new nfstime3();
    public nfstime3 mtime = new nfstime3();
    public nfstime3 ctime = new nfstime3();

    public fattr3() {
    }

    @Override
    public void xdrEncode(XdrEncodingStream xdr) throws OncRpcException, IOException {
        xdr.xdrEncodeInt(type);
        xdr.xdrEncodeInt(mode);
        xdr.xdrEncodeInt(nlink);
        xdr.xdrEncodeInt(uid);
        xdr.xdrEncodeInt(gid);
        xdr.xdrEncodeLong(size);
        xdr.xdrEncodeLong(used);
        rdev.xdrEncode(xdr);
        xdr.xdrEncodeLong(fsid);
        xdr.xdrEncodeLong(fileid);
        atime.xdrEncode(xdr);
        mtime.xdrEncode(xdr);
        ctime.xdrEncode(xdr);
    }

    @Override
    public void xdrDecode(XdrDecodingStream xdr) throws OncRpcException, IOException {
        type = xdr.xdrDecodeInt();
        mode = xdr.xdrDecodeInt();
        nlink = xdr.xdrDecodeInt();
        uid = xdr.xdrDecodeInt();
        gid = xdr.xdrDecodeInt();
        size = xdr.xdrDecodeLong();
        used = xdr.xdrDecodeLong();
        rdev.xdrDecode(xdr);
        fsid = xdr.xdrDecodeLong();
        fileid = xdr.xdrDecodeLong();
        atime.xdrDecode(xdr);
        mtime.xdrDecode(xdr);
        ctime.xdrDecode(xdr);
    }
}
