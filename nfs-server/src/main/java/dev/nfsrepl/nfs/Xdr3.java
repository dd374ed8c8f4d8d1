package dev.nfsrepl.nfs;

import dev.nfsrepl.fs.Attr;
import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.SetAttr;
import dev.nfsrepl.fs.TimeSpec;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.InvalException;
import dev.nfsrepl.nfs.xdr.fattr3;
import dev.nfsrepl.nfs.xdr.nfs3_prot;
import dev.nfsrepl.nfs.xdr.nfs_fh3;
import dev.nfsrepl.nfs.xdr.nfstime3;
import dev.nfsrepl.nfs.xdr.post_op_attr;
import dev.nfsrepl.nfs.xdr.post_op_fh3;
import dev.nfsrepl.nfs.xdr.pre_op_attr;
import dev.nfsrepl.nfs.xdr.sattr3;
import dev.nfsrepl.nfs.xdr.wcc_attr;
import dev.nfsrepl.nfs.xdr.wcc_data;

/** Translations between the file-system's Java types and RFC 1813 wire types. */
final class Xdr3 {

    private Xdr3() {
    }

    static int ftype(FileType t) {
        return switch (t) {
            case REGULAR -> nfs3_prot.NF3REG;
            case DIRECTORY -> nfs3_prot.NF3DIR;
            case BLOCK_DEVICE -> nfs3_prot.NF3BLK;
            case CHAR_DEVICE -> nfs3_prot.NF3CHR;
            case SYMLINK -> nfs3_prot.NF3LNK;
            case SOCKET -> nfs3_prot.NF3SOCK;
            case FIFO -> nfs3_prot.NF3FIFO;
        };
    }

    static FileType fileType(int ftype) throws InvalException {
        return switch (ftype) {
            case nfs3_prot.NF3REG -> FileType.REGULAR;
            case nfs3_prot.NF3DIR -> FileType.DIRECTORY;
            case nfs3_prot.NF3BLK -> FileType.BLOCK_DEVICE;
            case nfs3_prot.NF3CHR -> FileType.CHAR_DEVICE;
            case nfs3_prot.NF3LNK -> FileType.SYMLINK;
            case nfs3_prot.NF3SOCK -> FileType.SOCKET;
            case nfs3_prot.NF3FIFO -> FileType.FIFO;
            default -> throw new InvalException("unknown file type " + ftype);
        };
    }

    static nfstime3 time(long nanos) {
        nfstime3 t = new nfstime3();
        t.seconds = (int) Math.floorDiv(nanos, 1_000_000_000L);
        t.nseconds = (int) Math.floorMod(nanos, 1_000_000_000L);
        return t;
    }

    static long nanos(nfstime3 t) {
        return Integer.toUnsignedLong(t.seconds) * 1_000_000_000L + Integer.toUnsignedLong(t.nseconds);
    }

    static fattr3 fattr(Attr a, int fsid) {
        fattr3 f = new fattr3();
        f.type = ftype(a.type());
        f.mode = a.mode();
        f.nlink = a.nlink();
        f.uid = a.uid();
        f.gid = a.gid();
        f.size = a.size();
        f.used = a.used();
        f.rdev.specdata1 = a.rdevMajor();
        f.rdev.specdata2 = a.rdevMinor();
        f.fsid = Integer.toUnsignedLong(fsid);
        f.fileid = a.fileId();
        f.atime = time(a.atimeNanos());
        f.mtime = time(a.mtimeNanos());
        f.ctime = time(a.ctimeNanos());
        return f;
    }

    static post_op_attr postOp(Attr a, int fsid) {
        post_op_attr p = new post_op_attr();
        if (a != null) {
            p.attributes_follow = true;
            p.attributes = fattr(a, fsid);
        }
        return p;
    }

    /** The object's attributes now, or "no attributes" if they cannot be read. */
    static Attr attrOrNull(FileSystem fs, long id) {
        try {
            return fs.getattr(id);
        } catch (FsException e) {
            return null;
        }
    }

    static pre_op_attr preOp(Attr a) {
        pre_op_attr p = new pre_op_attr();
        if (a != null) {
            p.attributes_follow = true;
            wcc_attr w = new wcc_attr();
            w.size = a.size();
            w.mtime = time(a.mtimeNanos());
            w.ctime = time(a.ctimeNanos());
            p.attributes = w;
        }
        return p;
    }

    static wcc_data wcc(Attr before, Attr after, int fsid) {
        wcc_data w = new wcc_data();
        w.before = preOp(before);
        w.after = postOp(after, fsid);
        return w;
    }

    static nfs_fh3 fh(FileHandle h) {
        nfs_fh3 f = new nfs_fh3();
        f.data = h.toBytes();
        return f;
    }

    static post_op_fh3 postOpFh(FileHandle h) {
        post_op_fh3 p = new post_op_fh3();
        p.handle_follows = true;
        p.handle = fh(h);
        return p;
    }

    static SetAttr setAttr(sattr3 s) {
        Integer mode = s.mode.set_it ? s.mode.mode & 07777 : null;
        Integer uid = s.uid.set_it ? s.uid.uid : null;
        Integer gid = s.gid.set_it ? s.gid.gid : null;
        Long size = s.size.set_it ? s.size.size : null;
        return new SetAttr(mode, uid, gid, size, timeSpec(s.atime.set_it, s.atime.atime),
                timeSpec(s.mtime.set_it, s.mtime.mtime));
    }

    private static TimeSpec timeSpec(int how, nfstime3 t) {
        return switch (how) {
            case nfs3_prot.SET_TO_SERVER_TIME -> TimeSpec.SERVER;
            case nfs3_prot.SET_TO_CLIENT_TIME -> TimeSpec.at(nanos(t));
            default -> null;
        };
    }
}
