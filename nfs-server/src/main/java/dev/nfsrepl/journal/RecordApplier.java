package dev.nfsrepl.journal;

import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.SetAttr;
import dev.nfsrepl.fs.Stability;
import dev.nfsrepl.fs.TimeSpec;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.StaleException;
import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.replication.record.Attrs;
import dev.nfsrepl.replication.record.ObjectType;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Applies op records to a {@link LocalFileSystem}, giving created objects the FileIds the records
 * carry and every object and parent the times they carry, so that applying a journal reproduces
 * its tree exactly. Used by the primary for its own records (after they are logged), by
 * recovery after an unclean stop, by {@code journal replay}, and by backups.
 *
 * <p>Applying is checked and idempotent. Each directory whose entries a record changes is stamped
 * with the record's seq afterwards (an extended attribute; the change and the stamp reach the disk
 * in that order), and a record a directory is stamped past is skipped: so re-applying a journal
 * tail after a crash never repeats a change that later records already built on (a file created,
 * then removed, is not made again). Beyond that, a record acts on a name only while the name maps
 * to the FileId the record names. A result that is already there counts as done (its attributes and
 * times are set again); a name that now maps to another object means a later record changed it,
 * which is reported as {@link Outcome#SUPERSEDED} for the caller to judge (expected when
 * re-applying a journal tail after a crash; a divergence on a backup).
 *
 * <p>Thread-safe as far as the file system is; callers order records that touch the same objects.
 */
public final class RecordApplier {

    public enum Outcome {
        APPLIED, ALREADY_DONE, SUPERSEDED
    }

    private final LocalFileSystem fs;
    private final DirectoryProgress progress;

    public RecordApplier(LocalFileSystem fs) {
        this.fs = fs;
        this.progress = new DirectoryProgress(fs);
    }

    /** Registers a record that was just given its seq (before it is applied; see {@link DirectoryProgress}). */
    void begin(Op op, long seq) {
        for (long d : directoriesOf(op)) {
            progress.begin(d, seq);
        }
    }

    /** A record registered by {@link #begin} that will never be applied (its append failed). */
    void abandon(Op op, long seq) {
        for (long d : directoriesOf(op)) {
            progress.abandon(d, seq);
        }
    }

    public Outcome apply(OpRecord r) throws FsException {
        return apply(r, false);
    }

    /**
     * {@code neverApplied}: the caller knows this record was never applied to this tree before (a
     * backup receiving it for the first time). An object it makes then needs no search for an
     * earlier making of itself that a later rename moved away: after an unclean stop, with the
     * identity index incomplete, that search is a walk of the whole tree.
     */
    public Outcome apply(OpRecord r, boolean neverApplied) throws FsException {
        Op op = r.op();
        long[] dirs = directoriesOf(op);
        long[] mtimes = parentMtimesOf(op);
        begin(op, r.seq());
        Outcome o;
        try {
            o = alreadyApplied(dirs, r.seq());
            if (o == null) {
                o = change(op, neverApplied);
            }
        } catch (FsException | RuntimeException e) {
            for (int i = 0; i < dirs.length; i++) {
                done(dirs[i], r.seq(), mtimes[i], false); // cancelled by an ABORT: not pending any more
            }
            throw e;
        }
        for (int i = 0; i < dirs.length; i++) {
            done(dirs[i], r.seq(), mtimes[i], o == Outcome.APPLIED || o == Outcome.ALREADY_DONE);
        }
        return o;
    }

    /**
     * Applies an op of a walk of a live tree ({@link TreeWalk}: a resync, a checkpoint), which says
     * what the walk saw at a name: when an earlier op of the walk put another object there (a file
     * renamed over that name while the walk went on, met again by the walk's catch-up), the later
     * sight wins: that object's name is removed and the op applied. Only a non-directory or an empty
     * directory is removed so; the records replayed after the walk mend the rest.
     */
    public Outcome observe(OpRecord r) throws FsException {
        Outcome o = apply(r);
        if (o != Outcome.SUPERSEDED) {
            return o;
        }
        Op op = r.op();
        long parent;
        String name;
        long id;
        if (op instanceof Op.Create c) {
            parent = c.parent();
            name = c.name();
            id = c.id();
        } else if (op instanceof Op.Mkdir m) {
            parent = m.parent();
            name = m.name();
            id = m.id();
        } else if (op instanceof Op.Symlink l) {
            parent = l.parent();
            name = l.name();
            id = l.id();
        } else if (op instanceof Op.Mknod n) {
            parent = n.parent();
            name = n.name();
            id = n.id();
        } else if (op instanceof Op.Link l) {
            parent = l.parent();
            name = l.name();
            id = l.id();
        } else {
            return o;
        }
        long at = fs.storedIdAt(parent, name);
        if (at == 0 || at == id || at == LocalFileSystem.UNIDENTIFIED) {
            return o;
        }
        try {
            if (fs.getattr(at).type() == FileType.DIRECTORY) {
                fs.rmdir(Identity.ROOT, parent, name);
            } else {
                fs.remove(Identity.ROOT, parent, name);
            }
        } catch (dev.nfsrepl.fs.error.NotEmptyException e) {
            return o;
        }
        return apply(r);
    }

    /** ALREADY_DONE when a directory's stamp shows the record applied, SUPERSEDED when a directory is gone, else null. */
    private Outcome alreadyApplied(long[] dirs, long seq) throws FsException {
        for (long d : dirs) {
            try {
                if (progress.applied(d, seq)) {
                    return Outcome.ALREADY_DONE;
                }
            } catch (StaleException e) {
                return Outcome.SUPERSEDED; // the directory itself was removed by a later record
            }
        }
        return null;
    }

    private void done(long dir, long seq, long mtime, boolean stamp) throws FsException {
        progress.complete(dir, seq, mtime, !stamp ? null : st -> fs.finishDirectory(dir, st.applied().encode(),
                st.mtimeNanos() == Long.MIN_VALUE ? null : st.mtimeNanos()));
    }

    /** The mtime each of {@link #directoriesOf} gets from the op. */
    static long[] parentMtimesOf(Op op) {
        return switch (op.type()) {
            case CREATE -> new long[] {((Op.Create) op).parentMtimeNanos()};
            case MKDIR -> new long[] {((Op.Mkdir) op).parentMtimeNanos()};
            case SYMLINK -> new long[] {((Op.Symlink) op).parentMtimeNanos()};
            case MKNOD -> new long[] {((Op.Mknod) op).parentMtimeNanos()};
            case REMOVE -> new long[] {((Op.Remove) op).parentMtimeNanos()};
            case RMDIR -> new long[] {((Op.Rmdir) op).parentMtimeNanos()};
            case LINK -> new long[] {((Op.Link) op).parentMtimeNanos()};
            case ADOPT -> new long[] {((Op.Adopt) op).parentMtimeNanos()};
            case RENAME -> ((Op.Rename) op).fromParent() == ((Op.Rename) op).toParent()
                    ? new long[] {Math.max(((Op.Rename) op).fromParentMtimeNanos(), ((Op.Rename) op).toParentMtimeNanos())}
                    : new long[] {((Op.Rename) op).fromParentMtimeNanos(), ((Op.Rename) op).toParentMtimeNanos()};
            case WRITE, SETATTR, COMMIT, ABORT, MARK, MONITOR -> new long[0];
        };
    }

    /** The directories whose entries the op changes (none for data and attribute changes). */
    static long[] directoriesOf(Op op) {
        return switch (op.type()) {
            case CREATE -> new long[] {((Op.Create) op).parent()};
            case MKDIR -> new long[] {((Op.Mkdir) op).parent()};
            case SYMLINK -> new long[] {((Op.Symlink) op).parent()};
            case MKNOD -> new long[] {((Op.Mknod) op).parent()};
            case REMOVE -> new long[] {((Op.Remove) op).parent()};
            case RMDIR -> new long[] {((Op.Rmdir) op).parent()};
            case LINK -> new long[] {((Op.Link) op).parent()};
            case ADOPT -> new long[] {((Op.Adopt) op).parent()};
            case RENAME -> ((Op.Rename) op).fromParent() == ((Op.Rename) op).toParent()
                    ? new long[] {((Op.Rename) op).fromParent()}
                    : new long[] {((Op.Rename) op).fromParent(), ((Op.Rename) op).toParent()};
            case WRITE, SETATTR, COMMIT, ABORT, MARK, MONITOR -> new long[0];
        };
    }

    private Outcome change(Op op, boolean neverApplied) throws FsException {
        return switch (op.type()) {
            case CREATE -> create((Op.Create) op, neverApplied);
            case MKDIR -> {
                Op.Mkdir m = (Op.Mkdir) op;
                yield make(m.parent(), m.name(), FileType.DIRECTORY, m.id(), m.attrs(), null, null, neverApplied);
            }
            case SYMLINK -> {
                Op.Symlink s = (Op.Symlink) op;
                yield make(s.parent(), s.name(), FileType.SYMLINK, s.id(), s.attrs(), s.target(), null, neverApplied);
            }
            case MKNOD -> {
                Op.Mknod m = (Op.Mknod) op;
                yield make(m.parent(), m.name(), fileType(m.objectType()), m.id(), m.attrs(), null, null, neverApplied);
            }
            case WRITE -> write((Op.Write) op);
            case SETATTR -> setattr((Op.SetAttrs) op);
            case REMOVE -> {
                Op.Remove rm = (Op.Remove) op;
                yield unlink(rm.parent(), rm.name(), rm.id(), false, rm.parentMtimeNanos());
            }
            case RMDIR -> {
                Op.Rmdir rm = (Op.Rmdir) op;
                yield unlink(rm.parent(), rm.name(), rm.id(), true, rm.parentMtimeNanos());
            }
            case RENAME -> rename((Op.Rename) op);
            case LINK -> link((Op.Link) op);
            case ADOPT -> adopt((Op.Adopt) op);
            case COMMIT, ABORT, MARK, MONITOR -> Outcome.APPLIED; // nothing to do to the tree
        };
    }

    private Outcome create(Op.Create c, boolean neverApplied) throws FsException {
        if (c.existed()) { // UNCHECKED create that reused the file: its attributes changed
            if (fs.storedIdAt(c.parent(), c.name()) != c.id()) {
                return Outcome.SUPERSEDED;
            }
            setAll(c.id(), c.attrs(), FileType.REGULAR);
            return Outcome.APPLIED;
        }
        byte[] verifier = c.how() == Op.CreateHow.EXCLUSIVE
                ? ByteBuffer.allocate(8).putLong(c.verifier()).array() : null;
        return make(c.parent(), c.name(), FileType.REGULAR, c.id(), c.attrs(), null, verifier, neverApplied);
    }

    private Outcome make(long parent, String name, FileType type, long id, Attrs attrs, String target, byte[] verifier,
                         boolean neverApplied) throws FsException {
        long at = fs.storedIdAt(parent, name);
        Outcome outcome;
        if (at == 0) {
            if (!neverApplied && exists(id)) {
                return Outcome.SUPERSEDED; // made before, then renamed away: a later record moved it
            }
            fs.createWithId(parent, name, type, id, setAttr(attrs, type != FileType.REGULAR), target, verifier);
            outcome = Outcome.APPLIED;
        } else if (at == id || at == LocalFileSystem.UNIDENTIFIED) {
            if (at == LocalFileSystem.UNIDENTIFIED) { // made, but stopped before it got its FileId
                fs.claim(parent, name, id);
            }
            setAll(id, attrs, type);
            outcome = at == id ? Outcome.ALREADY_DONE : Outcome.APPLIED;
        } else {
            return Outcome.SUPERSEDED;
        }
        return outcome;
    }

    private Outcome write(Op.Write w) throws FsException {
        try {
            fs.write(w.id(), w.offset(), w.data(), w.mtimeNanos());
        } catch (StaleException e) {
            return Outcome.SUPERSEDED; // removed by a later record
        }
        return Outcome.APPLIED;
    }

    private Outcome setattr(Op.SetAttrs s) throws FsException {
        if (!exists(s.id())) {
            return Outcome.SUPERSEDED;
        }
        fs.setattr(Identity.ROOT, s.id(), new SetAttr(s.mode(), s.uid(), s.gid(), s.size(), at(s.atimeNanos()),
                at(s.mtimeNanos())), null);
        return Outcome.APPLIED;
    }

    private Outcome unlink(long parent, String name, long id, boolean dir, long parentMtime) throws FsException {
        long at = fs.storedIdAt(parent, name);
        Outcome outcome;
        if (at == 0) {
            outcome = Outcome.ALREADY_DONE;
        } else if (at != id) {
            return Outcome.SUPERSEDED;
        } else {
            if (dir) {
                fs.rmdir(Identity.ROOT, parent, name);
            } else {
                fs.remove(Identity.ROOT, parent, name);
            }
            outcome = Outcome.APPLIED;
        }
        return outcome;
    }

    private Outcome rename(Op.Rename r) throws FsException {
        long from = fs.storedIdAt(r.fromParent(), r.fromName());
        Outcome outcome;
        if (from == r.id()) {
            long to = fs.storedIdAt(r.toParent(), r.toName());
            if (to != 0 && to != r.replaced() && to != r.id()) {
                return Outcome.SUPERSEDED;
            }
            fs.rename(Identity.ROOT, r.fromParent(), r.fromName(), r.toParent(), r.toName());
            outcome = Outcome.APPLIED;
        } else if (fs.storedIdAt(r.toParent(), r.toName()) == r.id()) {
            outcome = Outcome.ALREADY_DONE;
        } else {
            return Outcome.SUPERSEDED;
        }
        return outcome;
    }

    private Outcome link(Op.Link l) throws FsException {
        long at = fs.storedIdAt(l.parent(), l.name());
        Outcome outcome;
        if (at == l.id()) {
            outcome = Outcome.ALREADY_DONE;
        } else if (at != 0) {
            return Outcome.SUPERSEDED;
        } else {
            if (!exists(l.id())) {
                return Outcome.SUPERSEDED;
            }
            fs.link(Identity.ROOT, l.id(), l.parent(), l.name());
            outcome = Outcome.APPLIED;
        }
        return outcome;
    }

    private Outcome adopt(Op.Adopt a) throws FsException {
        long at = fs.storedIdAt(a.parent(), a.name());
        if (at == a.id()) {
            return Outcome.ALREADY_DONE;
        }
        if (at == LocalFileSystem.UNIDENTIFIED) { // the primary (or its recovery): the object is there, without its FileId yet
            fs.claim(a.parent(), a.name(), a.id());
            return Outcome.APPLIED;
        }
        if (at != 0) {
            return Outcome.SUPERSEDED;
        }
        FileType type = fileType(a.objectType());
        String target = type == FileType.SYMLINK ? StandardCharsets.UTF_8.decode(a.content()).toString() : null;
        fs.createWithId(a.parent(), a.name(), type, a.id(), setAttr(a.attrs(), true), target, null);
        if (type == FileType.REGULAR && a.content().hasRemaining()) {
            fs.write(Identity.ROOT, a.id(), 0, a.content(), Stability.UNSTABLE);
        }
        setAll(a.id(), a.attrs(), type);
        return Outcome.APPLIED;
    }

    private boolean exists(long id) throws FsException {
        try {
            fs.getattr(id);
            return true;
        } catch (StaleException e) {
            return false;
        }
    }

    /** Owner, mode, size (of a regular file) and times of an existing object, set again. */
    private void setAll(long id, Attrs a, FileType type) throws FsException {
        boolean modeless = type == FileType.SYMLINK || type == FileType.SOCKET; // a socket's mode is set when bound
        fs.setattr(Identity.ROOT, id, new SetAttr(modeless ? null : a.mode(), a.uid(), a.gid(),
                type == FileType.REGULAR ? a.size() : null, TimeSpec.at(a.atimeNanos()), TimeSpec.at(a.mtimeNanos())),
                null);
    }

    private static SetAttr setAttr(Attrs a, boolean noSize) {
        return new SetAttr(a.mode(), a.uid(), a.gid(), noSize || a.size() == 0 ? null : a.size(),
                TimeSpec.at(a.atimeNanos()), TimeSpec.at(a.mtimeNanos()));
    }

    private static TimeSpec at(Long nanos) {
        return nanos == null ? null : TimeSpec.at(nanos);
    }

    static FileType fileType(ObjectType t) {
        return switch (t) {
            case REGULAR -> FileType.REGULAR;
            case DIRECTORY -> FileType.DIRECTORY;
            case SYMLINK -> FileType.SYMLINK;
            case FIFO -> FileType.FIFO;
            case SOCKET -> FileType.SOCKET;
        };
    }

    static ObjectType objectType(FileType t) {
        return switch (t) {
            case REGULAR -> ObjectType.REGULAR;
            case DIRECTORY -> ObjectType.DIRECTORY;
            case SYMLINK -> ObjectType.SYMLINK;
            case FIFO -> ObjectType.FIFO;
            case SOCKET -> ObjectType.SOCKET;
            default -> throw new IllegalArgumentException("no record type for " + t);
        };
    }
}
