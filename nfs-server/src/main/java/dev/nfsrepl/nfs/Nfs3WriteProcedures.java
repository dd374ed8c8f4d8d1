package dev.nfsrepl.nfs;

import dev.nfsrepl.fs.Attr;
import dev.nfsrepl.fs.CreateMode;
import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.SetAttr;
import dev.nfsrepl.fs.Stability;
import dev.nfsrepl.fs.WriteResult;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.InvalException;
import dev.nfsrepl.nfs.xdr.*;

/**
 * The NFSv3 procedures that change the tree or file data. Each reports weak cache consistency
 * data: the attributes of the changed directory or file before and after the change.
 */
final class Nfs3WriteProcedures {

    private final ExportTable exports;
    private final byte[] writeVerifier;

    Nfs3WriteProcedures(ExportTable exports, byte[] writeVerifier) {
        this.exports = exports;
        this.writeVerifier = writeVerifier.clone();
    }

    /** Attributes before a change, for wcc data; null when they cannot be read. */
    private static Attr before(Target t) {
        return t == null ? null : Xdr3.attrOrNull(t.fs(), t.id());
    }

    private static wcc_data wcc(Target t, Attr before) {
        return t == null ? new wcc_data() : Xdr3.wcc(before, Xdr3.attrOrNull(t.fs(), t.id()), t.fsid());
    }

    SETATTR3res setattr(Caller c, SETATTR3args a) {
        SETATTR3res r = new SETATTR3res();
        Target t = null;
        Attr pre = null;
        try {
            t = Target.resolve(exports, c, a.object, true);
            pre = before(t);
            Long guard = a.guard.check ? Xdr3.nanos(a.guard.obj_ctime) : null;
            t.fs().setattr(t.who(), t.id(), Xdr3.setAttr(a.new_attributes), guard);
            r.resok = new SETATTR3resok();
            r.resok.obj_wcc = wcc(t, pre);
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new SETATTR3resfail();
            r.resfail.obj_wcc = wcc(t, pre);
        }
        return r;
    }

    WRITE3res write(Caller c, WRITE3args a) {
        WRITE3res r = new WRITE3res();
        Target t = null;
        Attr pre = null;
        try {
            t = Target.resolve(exports, c, a.file, true);
            if (Integer.toUnsignedLong(a.count) > a.data.remaining()) {
                throw new InvalException("WRITE count " + Integer.toUnsignedString(a.count) + " exceeds its "
                        + a.data.remaining() + " data bytes");
            }
            if (a.offset < 0) {
                throw new InvalException("offset beyond 2^63");
            }
            a.data.limit(a.data.position() + a.count);
            pre = before(t);
            WriteResult w = t.fs().write(t.who(), t.id(), a.offset, a.data, stability(a.stable));
            r.resok = new WRITE3resok();
            r.resok.count = w.count();
            r.resok.committed = switch (w.committed()) {
                case UNSTABLE -> nfs3_prot.UNSTABLE;
                case DATA_SYNC -> nfs3_prot.DATA_SYNC;
                case FILE_SYNC -> nfs3_prot.FILE_SYNC;
            };
            r.resok.verf = writeVerifier.clone();
            r.resok.file_wcc = wcc(t, pre);
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new WRITE3resfail();
            r.resfail.file_wcc = wcc(t, pre);
        }
        return r;
    }

    private static Stability stability(int how) throws InvalException {
        return switch (how) {
            case nfs3_prot.UNSTABLE -> Stability.UNSTABLE;
            case nfs3_prot.DATA_SYNC -> Stability.DATA_SYNC;
            case nfs3_prot.FILE_SYNC -> Stability.FILE_SYNC;
            default -> throw new InvalException("unknown stable_how " + how);
        };
    }

    COMMIT3res commit(Caller c, COMMIT3args a) {
        COMMIT3res r = new COMMIT3res();
        Target t = null;
        Attr pre = null;
        try {
            t = Target.resolve(exports, c, a.file, false);
            pre = before(t);
            t.fs().commit(t.who(), t.id());
            r.resok = new COMMIT3resok();
            r.resok.verf = writeVerifier.clone();
            r.resok.file_wcc = wcc(t, pre);
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new COMMIT3resfail();
            r.resfail.file_wcc = wcc(t, pre);
        }
        return r;
    }

    /** What every creating procedure returns: the new object's handle and attributes, and the directory's wcc. */
    private record Created(post_op_fh3 fh, post_op_attr attrs, wcc_data dirWcc) {
    }

    private interface Creation {
        long create(FileSystem fs, Target dir, String name) throws FsException;
    }

    private static Created create(Target t, String name, Creation how) throws FsException {
        Attr pre = before(t);
        long id = how.create(t.fs(), t, Names.create(name));
        return new Created(Xdr3.postOpFh(t.handle(id)), Xdr3.postOp(Xdr3.attrOrNull(t.fs(), id), t.fsid()),
                wcc(t, pre));
    }

    CREATE3res create(Caller c, CREATE3args a) {
        CREATE3res r = new CREATE3res();
        Target t = null;
        try {
            t = Target.resolve(exports, c, a.where.dir, true);
            CreateMode mode = switch (a.how.mode) {
                case nfs3_prot.UNCHECKED -> CreateMode.UNCHECKED;
                case nfs3_prot.GUARDED -> CreateMode.GUARDED;
                case nfs3_prot.EXCLUSIVE -> CreateMode.EXCLUSIVE;
                default -> throw new InvalException("unknown createmode3 " + a.how.mode);
            };
            SetAttr attrs = mode == CreateMode.EXCLUSIVE ? SetAttr.NONE : Xdr3.setAttr(a.how.obj_attributes);
            byte[] verf = a.how.verf;
            Created made = create(t, a.where.name, (fs, d, n) -> fs.create(d.who(), d.id(), n, mode, attrs, verf));
            r.resok = new CREATE3resok();
            r.resok.obj = made.fh;
            r.resok.obj_attributes = made.attrs;
            r.resok.dir_wcc = made.dirWcc;
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new CREATE3resfail();
            r.resfail.dir_wcc = wcc(t, null);
        }
        return r;
    }

    MKDIR3res mkdir(Caller c, MKDIR3args a) {
        MKDIR3res r = new MKDIR3res();
        Target t = null;
        try {
            t = Target.resolve(exports, c, a.where.dir, true);
            SetAttr attrs = Xdr3.setAttr(a.attributes);
            Created made = create(t, a.where.name, (fs, d, n) -> fs.mkdir(d.who(), d.id(), n, attrs));
            r.resok = new MKDIR3resok();
            r.resok.obj = made.fh;
            r.resok.obj_attributes = made.attrs;
            r.resok.dir_wcc = made.dirWcc;
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new MKDIR3resfail();
            r.resfail.dir_wcc = wcc(t, null);
        }
        return r;
    }

    SYMLINK3res symlink(Caller c, SYMLINK3args a) {
        SYMLINK3res r = new SYMLINK3res();
        Target t = null;
        try {
            t = Target.resolve(exports, c, a.where.dir, true);
            SetAttr attrs = Xdr3.setAttr(a.symlink.symlink_attributes);
            String target = a.symlink.symlink_data;
            Created made = create(t, a.where.name, (fs, d, n) -> fs.symlink(d.who(), d.id(), n, target, attrs));
            r.resok = new SYMLINK3resok();
            r.resok.obj = made.fh;
            r.resok.obj_attributes = made.attrs;
            r.resok.dir_wcc = made.dirWcc;
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new SYMLINK3resfail();
            r.resfail.dir_wcc = wcc(t, null);
        }
        return r;
    }

    MKNOD3res mknod(Caller c, MKNOD3args a) {
        MKNOD3res r = new MKNOD3res();
        Target t = null;
        try {
            t = Target.resolve(exports, c, a.where.dir, true);
            FileType type = Xdr3.fileType(a.what.type);
            sattr3 s = switch (type) {
                case FIFO, SOCKET -> a.what.pipe_attributes;
                case CHAR_DEVICE, BLOCK_DEVICE -> a.what.device.dev_attributes;
                default -> null;
            };
            SetAttr attrs = s == null ? SetAttr.NONE : Xdr3.setAttr(s);
            Created made = create(t, a.where.name, (fs, d, n) -> fs.mknod(d.who(), d.id(), n, type, attrs));
            r.resok = new MKNOD3resok();
            r.resok.obj = made.fh;
            r.resok.obj_attributes = made.attrs;
            r.resok.dir_wcc = made.dirWcc;
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new MKNOD3resfail();
            r.resfail.dir_wcc = wcc(t, null);
        }
        return r;
    }

    REMOVE3res remove(Caller c, REMOVE3args a) {
        REMOVE3res r = new REMOVE3res();
        Target t = null;
        Attr pre = null;
        try {
            t = Target.resolve(exports, c, a.object.dir, true);
            pre = before(t);
            t.fs().remove(t.who(), t.id(), Names.change(a.object.name));
            r.resok = new REMOVE3resok();
            r.resok.dir_wcc = wcc(t, pre);
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new REMOVE3resfail();
            r.resfail.dir_wcc = wcc(t, pre);
        }
        return r;
    }

    RMDIR3res rmdir(Caller c, RMDIR3args a) {
        RMDIR3res r = new RMDIR3res();
        Target t = null;
        Attr pre = null;
        try {
            t = Target.resolve(exports, c, a.object.dir, true);
            pre = before(t);
            t.fs().rmdir(t.who(), t.id(), Names.change(a.object.name));
            r.resok = new RMDIR3resok();
            r.resok.dir_wcc = wcc(t, pre);
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new RMDIR3resfail();
            r.resfail.dir_wcc = wcc(t, pre);
        }
        return r;
    }

    RENAME3res rename(Caller c, RENAME3args a) {
        RENAME3res r = new RENAME3res();
        Target from = null;
        Target to = null;
        Attr preFrom = null;
        Attr preTo = null;
        try {
            from = Target.resolve(exports, c, a.from.dir, true);
            to = from.sibling(a.to.dir);
            preFrom = before(from);
            preTo = before(to);
            from.fs().rename(from.who(), from.id(), Names.change(a.from.name), to.id(), Names.change(a.to.name));
            r.resok = new RENAME3resok();
            r.resok.fromdir_wcc = wcc(from, preFrom);
            r.resok.todir_wcc = wcc(to, preTo);
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new RENAME3resfail();
            r.resfail.fromdir_wcc = wcc(from, preFrom);
            r.resfail.todir_wcc = wcc(to, preTo);
        }
        return r;
    }

    LINK3res link(Caller c, LINK3args a) {
        LINK3res r = new LINK3res();
        Target file = null;
        Target dir = null;
        Attr pre = null;
        try {
            file = Target.resolve(exports, c, a.file, true);
            dir = file.sibling(a.link.dir);
            pre = before(dir);
            file.fs().link(file.who(), file.id(), dir.id(), Names.change(a.link.name));
            r.resok = new LINK3resok();
            r.resok.file_attributes = Xdr3.postOp(Xdr3.attrOrNull(file.fs(), file.id()), file.fsid());
            r.resok.linkdir_wcc = wcc(dir, pre);
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new LINK3resfail();
            r.resfail.linkdir_wcc = wcc(dir, pre);
        }
        return r;
    }
}
