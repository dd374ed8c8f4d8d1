package dev.nfsrepl.nfs;

import dev.nfsrepl.fs.Attr;
import dev.nfsrepl.fs.DirEntry;
import dev.nfsrepl.fs.DirPage;
import dev.nfsrepl.fs.FsStat;
import dev.nfsrepl.fs.ReadResult;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.InvalException;
import dev.nfsrepl.fs.error.TooSmallException;
import dev.nfsrepl.nfs.xdr.*;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/** The NFSv3 procedures that only read: each turns decoded arguments into a result to encode. */
final class Nfs3ReadProcedures {

    /** Largest READ and WRITE transfer advertised in FSINFO. */
    static final int MAX_IO = 1024 * 1024;
    /** Bytes of READDIR/READDIRPLUS result outside the entries (status, attributes, verifier, eof, end marker). */
    private static final int DIR_REPLY_OVERHEAD = 4 + 4 + 84 + 8 + 4 + 4;
    private static final byte[] COOKIE_VERIFIER = new byte[nfs3_prot.NFS3_COOKIEVERFSIZE];

    private final ExportTable exports;

    Nfs3ReadProcedures(ExportTable exports) {
        this.exports = exports;
    }

    GETATTR3res getattr(Caller c, GETATTR3args a) {
        GETATTR3res r = new GETATTR3res();
        try {
            Target t = Target.resolve(exports, c, a.object, false);
            r.resok = new GETATTR3resok();
            r.resok.obj_attributes = Xdr3.fattr(t.fs().getattr(t.id()), t.fsid());
        } catch (FsException e) {
            r.status = e.status();
        }
        return r;
    }

    LOOKUP3res lookup(Caller c, LOOKUP3args a) {
        LOOKUP3res r = new LOOKUP3res();
        Target t = null;
        try {
            t = Target.resolve(exports, c, a.what.dir, false);
            long id = t.fs().lookup(t.who(), t.id(), Names.lookup(a.what.name));
            r.resok = new LOOKUP3resok();
            r.resok.object = Xdr3.fh(t.handle(id));
            r.resok.obj_attributes = Xdr3.postOp(Xdr3.attrOrNull(t.fs(), id), t.fsid());
            r.resok.dir_attributes = Xdr3.postOp(Xdr3.attrOrNull(t.fs(), t.id()), t.fsid());
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new LOOKUP3resfail();
            r.resfail.dir_attributes = dirAttrs(t);
        }
        return r;
    }

    ACCESS3res access(Caller c, ACCESS3args a) {
        ACCESS3res r = new ACCESS3res();
        try {
            Target t = Target.resolve(exports, c, a.object, false);
            int granted = t.fs().access(t.who(), t.id(), a.access);
            if (t.options().readOnly()) {
                granted &= ~(nfs3_prot.ACCESS3_MODIFY | nfs3_prot.ACCESS3_EXTEND | nfs3_prot.ACCESS3_DELETE);
            }
            r.resok = new ACCESS3resok();
            r.resok.access = granted;
            r.resok.obj_attributes = Xdr3.postOp(Xdr3.attrOrNull(t.fs(), t.id()), t.fsid());
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new ACCESS3resfail();
        }
        return r;
    }

    READLINK3res readlink(Caller c, READLINK3args a) {
        READLINK3res r = new READLINK3res();
        try {
            Target t = Target.resolve(exports, c, a.symlink, false);
            r.resok = new READLINK3resok();
            r.resok.data = t.fs().readlink(t.who(), t.id());
            r.resok.symlink_attributes = Xdr3.postOp(Xdr3.attrOrNull(t.fs(), t.id()), t.fsid());
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new READLINK3resfail();
        }
        return r;
    }

    READ3res read(Caller c, READ3args a) {
        READ3res r = new READ3res();
        Target t = null;
        try {
            t = Target.resolve(exports, c, a.file, false);
            if (a.offset < 0) {
                throw new InvalException("offset beyond 2^63");
            }
            int count = (int) Math.min(Integer.toUnsignedLong(a.count), MAX_IO);
            ReadResult rr = t.fs().read(t.who(), t.id(), a.offset, count);
            r.resok = new READ3resok();
            r.resok.count = rr.data().remaining();
            r.resok.eof = rr.eof();
            r.resok.data = rr.data();
            r.resok.file_attributes = Xdr3.postOp(Xdr3.attrOrNull(t.fs(), t.id()), t.fsid());
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new READ3resfail();
            r.resfail.file_attributes = dirAttrs(t);
        }
        return r;
    }

    READDIR3res readdir(Caller c, READDIR3args a) {
        READDIR3res r = new READDIR3res();
        Target t = null;
        try {
            t = Target.resolve(exports, c, a.dir, false);
            int budget = Integer.toUnsignedLong(a.count) > MAX_IO ? MAX_IO : a.count;
            budget -= DIR_REPLY_OVERHEAD;
            DirPage page = t.fs().readdir(t.who(), t.id(), a.cookie, Math.max(1, budget / 24), false);
            r.resok = new READDIR3resok();
            r.resok.cookieverf = COOKIE_VERIFIER.clone();
            r.resok.reply.eof = fit(page, budget, d -> 4 + 8 + 4 + pad(d.name()) + 8, d -> {
                entry3 e = new entry3();
                e.fileid = d.fileId();
                e.name = d.name();
                e.cookie = d.cookie();
                return e;
            }, r.resok.reply.entries, "READDIR count " + a.count);
            r.resok.dir_attributes = Xdr3.postOp(Xdr3.attrOrNull(t.fs(), t.id()), t.fsid());
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new READDIR3resfail();
            r.resfail.dir_attributes = dirAttrs(t);
        }
        return r;
    }

    READDIRPLUS3res readdirplus(Caller c, READDIRPLUS3args a) {
        READDIRPLUS3res r = new READDIRPLUS3res();
        Target t = null;
        try {
            t = Target.resolve(exports, c, a.dir, false);
            int budget = (Integer.toUnsignedLong(a.maxcount) > MAX_IO ? MAX_IO : a.maxcount) - DIR_REPLY_OVERHEAD;
            int dirBudget = Integer.toUnsignedLong(a.dircount) > MAX_IO ? MAX_IO : a.dircount;
            int entrySize = 4 + 8 + 4 + 8 + 4 + 84 + 4 + 4 + FileHandle.SIZE;
            int max = Math.max(1, Math.min(budget / (entrySize + 4), Math.max(1, dirBudget / 16)));
            DirPage page = t.fs().readdir(t.who(), t.id(), a.cookie, max, true);
            r.resok = new READDIRPLUS3resok();
            r.resok.cookieverf = COOKIE_VERIFIER.clone();
            Target dir = t;
            r.resok.reply.eof = fit(page, budget, d -> entrySize + pad(d.name()), d -> {
                entryplus3 e = new entryplus3();
                e.fileid = d.fileId();
                e.name = d.name();
                e.cookie = d.cookie();
                e.name_attributes = Xdr3.postOp(d.attr(), dir.fsid());
                e.name_handle = Xdr3.postOpFh(dir.handle(d.fileId()));
                return e;
            }, r.resok.reply.entries, "READDIRPLUS maxcount " + a.maxcount);
            r.resok.dir_attributes = Xdr3.postOp(Xdr3.attrOrNull(t.fs(), t.id()), t.fsid());
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new READDIRPLUS3resfail();
            r.resfail.dir_attributes = dirAttrs(t);
        }
        return r;
    }

    FSSTAT3res fsstat(Caller c, FSSTAT3args a) {
        FSSTAT3res r = new FSSTAT3res();
        try {
            Target t = Target.resolve(exports, c, a.fsroot, false);
            FsStat s = t.fs().fsstat(t.id());
            r.resok = new FSSTAT3resok();
            r.resok.obj_attributes = Xdr3.postOp(Xdr3.attrOrNull(t.fs(), t.id()), t.fsid());
            r.resok.tbytes = s.totalBytes();
            r.resok.fbytes = s.freeBytes();
            r.resok.abytes = s.availBytes();
            r.resok.tfiles = s.totalFiles();
            r.resok.ffiles = s.freeFiles();
            r.resok.afiles = s.availFiles();
            r.resok.invarsec = 0;
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new FSSTAT3resfail();
        }
        return r;
    }

    FSINFO3res fsinfo(Caller c, FSINFO3args a) {
        FSINFO3res r = new FSINFO3res();
        try {
            Target t = Target.resolve(exports, c, a.fsroot, false);
            r.resok = new FSINFO3resok();
            r.resok.obj_attributes = Xdr3.postOp(Xdr3.attrOrNull(t.fs(), t.id()), t.fsid());
            r.resok.rtmax = MAX_IO;
            r.resok.rtpref = MAX_IO;
            r.resok.rtmult = 4096;
            r.resok.wtmax = MAX_IO;
            r.resok.wtpref = MAX_IO;
            r.resok.wtmult = 4096;
            r.resok.dtpref = 64 * 1024;
            r.resok.maxfilesize = Long.MAX_VALUE;
            r.resok.time_delta = Xdr3.time(1);
            r.resok.properties = nfs3_prot.FSF3_LINK | nfs3_prot.FSF3_SYMLINK | nfs3_prot.FSF3_HOMOGENEOUS
                    | nfs3_prot.FSF3_CANSETTIME;
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new FSINFO3resfail();
        }
        return r;
    }

    PATHCONF3res pathconf(Caller c, PATHCONF3args a) {
        PATHCONF3res r = new PATHCONF3res();
        try {
            Target t = Target.resolve(exports, c, a.object, false);
            r.resok = new PATHCONF3resok();
            r.resok.obj_attributes = Xdr3.postOp(Xdr3.attrOrNull(t.fs(), t.id()), t.fsid());
            r.resok.linkmax = 65000;
            r.resok.name_max = Names.NAME_MAX;
            r.resok.no_trunc = true;
            r.resok.chown_restricted = true;
            r.resok.case_insensitive = false;
            r.resok.case_preserving = true;
        } catch (FsException e) {
            r.status = e.status();
            r.resfail = new PATHCONF3resfail();
        }
        return r;
    }

    /**
     * Moves the entries of {@code page} that fit in {@code budget} bytes into {@code out}; returns
     * the reply's eof: true only when every entry fit and the page was the directory's last.
     */
    private static <E> boolean fit(DirPage page, int budget, ToIntFunction<DirEntry> size, Function<DirEntry, E> entry,
                                   List<E> out, String limit) throws TooSmallException {
        for (DirEntry d : page.entries()) {
            int n = size.applyAsInt(d);
            if (n > budget) {
                if (out.isEmpty()) {
                    throw new TooSmallException(limit + " too small for one entry");
                }
                return false;
            }
            budget -= n;
            out.add(entry.apply(d));
        }
        return page.eof();
    }

    private static int pad(String name) {
        return (name.getBytes(StandardCharsets.UTF_8).length + 3) & ~3;
    }

    /** Attributes of the request's object for a failure reply, when the handle resolved at all. */
    private static post_op_attr dirAttrs(Target t) {
        return t == null ? new post_op_attr() : Xdr3.postOp(Xdr3.attrOrNull(t.fs(), t.id()), t.fsid());
    }
}
