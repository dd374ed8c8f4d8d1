package dev.nfsrepl.journal;

import dev.nfsrepl.fs.Attr;
import dev.nfsrepl.fs.CreateMode;
import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.ForwardingFileSystem;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.SetAttr;
import dev.nfsrepl.fs.Stability;
import dev.nfsrepl.fs.TimeSpec;
import dev.nfsrepl.fs.WriteResult;
import dev.nfsrepl.fs.error.BadTypeException;
import dev.nfsrepl.fs.error.ExistException;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.InvalException;
import dev.nfsrepl.fs.error.IsDirException;
import dev.nfsrepl.fs.error.NoEntException;
import dev.nfsrepl.fs.error.NotDirException;
import dev.nfsrepl.fs.error.NotEmptyException;
import dev.nfsrepl.fs.error.NotSuppException;
import dev.nfsrepl.fs.error.NotSyncException;
import dev.nfsrepl.fs.error.ServerFaultException;
import dev.nfsrepl.fs.local.IoErrors;
import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.Attrs;
import dev.nfsrepl.replication.record.ObjectType;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.OpType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every change to an export in its {@link Journal}, in the order the changes take effect.
 *
 * <p>How the journal and the tree stay in agreement (the invariant: after any crash and the
 * recovery that follows, every change on disk is in the journal, every journaled change is on
 * disk, in journal order):
 * <ol>
 *   <li>An operation locks what it changes ({@link OperationLocks}): the names (exclusive), their
 *       directories (shared, so that changes to other names of a directory run in parallel and
 *       share fsyncs), the objects (exclusive: the object written or removed, a replaced target);
 *       renames of directories also take one lock for all of them, so no two can race into a
 *       cycle. Names are resolved, then locked, then checked again.</li>
 *   <li>It checks what would make it fail (a missing name, a wrong type, a non-empty directory)
 *       and decides every result a replica must reproduce: the new object's FileId, owner and
 *       mode, and times, all equal to the record's time.</li>
 *   <li>It appends the record, waits until the record is durable (group commit; UNSTABLE writes
 *       do not wait), and applies it through {@link RecordApplier}: the same code a backup and
 *       recovery use. Conflicting operations hold their locks across append and apply, so they
 *       reach the tree in journal order; a directory's mtime is the latest record time applied to
 *       it, and its stamp says exactly which records it has seen ({@link AppliedSet}).</li>
 *   <li>A change that fails after it was logged is cancelled by an ABORT record; an append that
 *       fails (a full journal disk) refuses the operation before anything changed.</li>
 * </ol>
 * UNSTABLE writes are in the journal's file before they reach the tree, so a killed server loses
 * none; after a power loss the client resends them (the write verifier changes). A namespace change
 * retransmitted after a restart (same client and xid, found among the journal's last records) is
 * answered as it was the first time instead of executed again ({@link Retransmissions}).
 *
 * <p>Objects made in the export outside the server are recorded (ADOPT, with their content) when
 * the server first meets them and gives them a FileId.
 */
public final class RecordingFileSystem extends ForwardingFileSystem {

    private static final Logger LOG = LoggerFactory.getLogger(RecordingFileSystem.class);

    private final LocalFileSystem local;
    private final Journal journal;
    private final OperationLocks locks;
    private final ReentrantLock directoryRenames = new ReentrantLock();

    public RecordingFileSystem(LocalFileSystem local, Journal journal) {
        super(local);
        this.local = local;
        this.journal = journal;
        this.locks = journal.locks(); // shared with the walks that read the tree's names (LiveNamespace)
        local.setAdopter(this::adopt);
    }

    public Journal journal() {
        return journal;
    }

    // ---------------------------------------------------------------- creating

    @Override
    public long create(Identity who, long dir, String name, CreateMode mode, SetAttr attrs, byte[] verifier)
            throws FsException {
        long before = madeBefore(who, OpType.CREATE, dir, name);
        if (before != 0) {
            return before;
        }
        try (Held h = holdWithChild(dir, name)) {
            if (h.child != 0) {
                return createExisting(who, dir, name, h.child, mode, attrs, verifier);
            }
            SetAttr requested = mode == CreateMode.EXCLUSIVE ? SetAttr.mode(0) : attrs;
            long v = mode == CreateMode.EXCLUSIVE ? ByteBuffer.wrap(verifier).getLong() : 0;
            long id = local.newFileId();
            SetAttr init = local.initialAttrs(who, dir, FileType.REGULAR, requested, 0);
            Op.CreateHow how = Op.CreateHow.valueOf(mode.name());
            log(who, (seq, t) -> new Op.Create(dir, name, id, how, false, v, attrs(init, requested, 0, t), nanos(t)));
            return id;
        }
    }

    private long createExisting(Identity who, long dir, String name, long id, CreateMode mode, SetAttr attrs,
                                byte[] verifier) throws FsException {
        switch (mode) {
            case GUARDED -> throw new ExistException(name + " exists");
            case EXCLUSIVE -> {
                if (java.util.Arrays.equals(local.createVerifier(id), verifier)) {
                    return id; // a retransmission of the create that made it
                }
                throw new ExistException(name + " exists");
            }
            default -> {
                Attr a = local.getattr(id);
                if (a.type() != FileType.REGULAR) {
                    throw new ExistException(name + " exists and is not a regular file");
                }
                if (attrs.size() == null) {
                    return id; // UNCHECKED on an existing file changes nothing but its size, as knfsd does
                }
                long parentMtime = local.getattr(dir).mtimeNanos();
                long size = attrs.size();
                log(who, (seq, t) -> new Op.Create(dir, name, id, Op.CreateHow.UNCHECKED, true, 0,
                        new Attrs(a.mode(), a.uid(), a.gid(), size, a.atimeNanos(),
                                size != a.size() ? nanos(t) : a.mtimeNanos()), parentMtime));
                return id;
            }
        }
    }

    @Override
    public long mkdir(Identity who, long dir, String name, SetAttr attrs) throws FsException {
        return make(who, OpType.MKDIR, dir, name, FileType.DIRECTORY, attrs, 0,
                (id, a, t) -> new Op.Mkdir(dir, name, id, a, nanos(t)));
    }

    @Override
    public long symlink(Identity who, long dir, String name, String target, SetAttr attrs) throws FsException {
        if (target.isEmpty() || target.indexOf('\0') >= 0) {
            throw new InvalException("symlink target is empty or contains NUL");
        }
        long size = target.getBytes(StandardCharsets.UTF_8).length;
        return make(who, OpType.SYMLINK, dir, name, FileType.SYMLINK, attrs.withoutMode(), size,
                (id, a, t) -> new Op.Symlink(dir, name, id, target, a, nanos(t)));
    }

    @Override
    public long mknod(Identity who, long dir, String name, FileType type, SetAttr attrs) throws FsException {
        if (type != FileType.FIFO && type != FileType.SOCKET) {
            throw new BadTypeException("cannot create objects of type " + type);
        }
        return make(who, OpType.MKNOD, dir, name, type, attrs, 0,
                (id, a, t) -> new Op.Mknod(dir, name, id, RecordApplier.objectType(type), a, nanos(t)));
    }

    private interface Made {
        Op op(long id, Attrs attrs, long timeMicros);
    }

    private long make(Identity who, OpType kind, long dir, String name, FileType type, SetAttr attrs, long size,
                      Made made) throws FsException {
        long before = madeBefore(who, kind, dir, name);
        if (before != 0) {
            return before;
        }
        try (Held h = holdWithChild(dir, name)) {
            if (h.child != 0) {
                throw new ExistException(name + " exists");
            }
            long id = local.newFileId();
            SetAttr init = local.initialAttrs(who, dir, type, attrs, 0);
            log(who, (seq, t) -> made.op(id, attrs(init, attrs, size, t), t));
            return id;
        }
    }

    /** The attributes of a new object: {@code init} resolved, with times the client did not set at {@code t}. */
    private static Attrs attrs(SetAttr init, SetAttr requested, long size, long timeMicros) {
        long now = nanos(timeMicros);
        return new Attrs(init.mode(), init.uid(), init.gid(), init.size() != null ? init.size() : size,
                given(requested.atime(), now), given(requested.mtime(), now));
    }

    private static long given(TimeSpec t, long now) {
        return t == null || t.serverTime() ? now : t.nanos();
    }

    // ---------------------------------------------------------------- data and attributes

    @Override
    public WriteResult write(Identity who, long id, long offset, ByteBuffer data, Stability stability)
            throws FsException {
        try (Held h = hold(id)) {
            requireRegular(local.getattr(id), id);
            int count = data.remaining();
            Op.Stability st = Op.Stability.valueOf(stability.name());
            OpRecord r = append(who, (seq, t) -> new Op.Write(id, offset, data, st, nanos(t)));
            apply(r, stability != Stability.UNSTABLE);
            return new WriteResult(count, stability == Stability.UNSTABLE ? Stability.UNSTABLE : Stability.FILE_SYNC);
        }
    }

    @Override
    public void commit(Identity who, long id) throws FsException {
        local.getattr(id);
        OpRecord r = append(who, (seq, t) -> new Op.Commit(id));
        try {
            journal.sync(r.seq());
        } catch (IOException e) {
            throw IoErrors.map(e, "journal sync for COMMIT of " + Long.toHexString(id));
        } finally {
            journal.done(r.seq());
        }
    }

    @Override
    public Attr setattr(Identity who, long id, SetAttr c, Long guardCtimeNanos) throws FsException {
        try (Held h = hold(id)) {
            Attr a = local.getattr(id);
            if (guardCtimeNanos != null && guardCtimeNanos != a.ctimeNanos()) {
                throw new NotSyncException("ctime of " + Long.toHexString(id) + " changed since the client read it");
            }
            if (c.size() != null) {
                requireRegular(a, id);
                if (c.size() < 0) {
                    throw new InvalException("negative size");
                }
            }
            if (c.mode() != null && a.type() == FileType.SOCKET) {
                throw new NotSuppException("changing the mode of a socket is not supported");
            }
            boolean sameSizeOnly = c.size() != null && c.size() == a.size() && c.mode() == null && c.uid() == null
                    && c.gid() == null && c.atime() == null && c.mtime() == null;
            if (c.isEmpty() || sameSizeOnly) {
                return a; // nothing changes (truncating to the current size leaves the times alone here)
            }
            boolean sizeChanges = c.size() != null && c.size() != a.size();
            log(who, (seq, t) -> new Op.SetAttrs(id, c.mode() == null ? null : c.mode() & 07777, c.uid(), c.gid(),
                    c.size(), c.atime() == null ? null : given(c.atime(), nanos(t)),
                    c.mtime() != null ? Long.valueOf(given(c.mtime(), nanos(t))) : sizeChanges ? Long.valueOf(nanos(t)) : null));
            return local.getattr(id);
        }
    }

    private static void requireRegular(Attr a, long id) throws FsException {
        if (a.type() == FileType.DIRECTORY) {
            throw new IsDirException(Long.toHexString(id) + " is a directory");
        }
        if (a.type() != FileType.REGULAR) {
            throw new InvalException(Long.toHexString(id) + " is not a regular file");
        }
    }

    // ---------------------------------------------------------------- removing, renaming, linking

    @Override
    public void remove(Identity who, long dir, String name) throws FsException {
        if (journal.changeMadeBefore(who) instanceof Op.Remove r && r.parent() == dir && r.name().equals(name)) {
            repeated(who, r);
            return;
        }
        try (Held h = holdWithChild(dir, name)) {
            if (h.child == 0) {
                throw new NoEntException(name + " not found");
            }
            if (local.getattr(h.child).type() == FileType.DIRECTORY) {
                throw new IsDirException(name + " is a directory");
            }
            log(who, (seq, t) -> new Op.Remove(dir, name, h.child, nanos(t)));
        }
    }

    @Override
    public void rmdir(Identity who, long dir, String name) throws FsException {
        if (journal.changeMadeBefore(who) instanceof Op.Rmdir r && r.parent() == dir && r.name().equals(name)) {
            repeated(who, r);
            return;
        }
        try (Held h = holdWithChild(dir, name)) {
            if (h.child == 0) {
                throw new NoEntException(name + " not found");
            }
            requireEmptyDirectory(h.child, name);
            log(who, (seq, t) -> new Op.Rmdir(dir, name, h.child, nanos(t)));
        }
    }

    private void requireEmptyDirectory(long id, String name) throws FsException {
        if (local.getattr(id).type() != FileType.DIRECTORY) {
            throw new NotDirException(name + " is not a directory");
        }
        if (local.readdir(Identity.ROOT, id, 0, 3, false).entries().size() > 2) { // more than "." and ".."
            throw new NotEmptyException(name + " is not empty");
        }
    }

    @Override
    public void rename(Identity who, long fromDir, String fromName, long toDir, String toName) throws FsException {
        if (journal.changeMadeBefore(who) instanceof Op.Rename r && r.fromParent() == fromDir
                && r.fromName().equals(fromName) && r.toParent() == toDir && r.toName().equals(toName)) {
            repeated(who, r);
            return;
        }
        long src = local.idAt(fromDir, fromName);
        if (src == 0) {
            throw new NoEntException(fromName + " not found");
        }
        boolean directory = local.getattr(src).type() == FileType.DIRECTORY;
        if (directory) {
            directoryRenames.lock();
        }
        try {
            while (true) {
                long dst = local.idAt(toDir, toName);
                OperationLocks.Want want = new OperationLocks.Want().name(fromDir, fromName).name(toDir, toName)
                        .shared(fromDir).shared(toDir).exclusive(src).exclusive(dst);
                try (OperationLocks.Held h = locks.hold(want)) {
                    if (local.idAt(fromDir, fromName) != src || local.idAt(toDir, toName) != dst) {
                        src = local.idAt(fromDir, fromName); // changed while we were locking: again
                        if (src == 0 || (local.getattr(src).type() == FileType.DIRECTORY) != directory) {
                            throw new ServerFaultException("rename source changed during rename; retry");
                        }
                        continue;
                    }
                    if (dst == src) {
                        return; // two names of one object: rename(2) does nothing
                    }
                    checkRename(src, directory, dst, toDir, toName);
                    long s = src;
                    log(who, (seq, t) -> new Op.Rename(fromDir, fromName, toDir, toName, s, dst, nanos(t), nanos(t)));
                    return;
                }
            }
        } finally {
            if (directory) {
                directoryRenames.unlock();
            }
        }
    }

    private void checkRename(long src, boolean directory, long dst, long toDir, String toName) throws FsException {
        if (dst != 0) {
            boolean dstDir = local.getattr(dst).type() == FileType.DIRECTORY;
            if (directory && !dstDir) {
                throw new NotDirException(toName + " is not a directory");
            }
            if (!directory && dstDir) {
                throw new IsDirException(toName + " is a directory");
            }
            if (dstDir) {
                requireEmptyDirectory(dst, toName);
            }
        }
        if (directory) { // not into its own subtree
            for (long d = toDir; ; d = local.lookup(Identity.ROOT, d, "..")) {
                if (d == src) {
                    throw new InvalException("cannot move a directory into itself");
                }
                if (d == local.rootId()) {
                    break;
                }
            }
        }
    }

    @Override
    public void link(Identity who, long id, long dir, String name) throws FsException {
        if (journal.changeMadeBefore(who) instanceof Op.Link l && l.id() == id && l.parent() == dir
                && l.name().equals(name)) {
            repeated(who, l);
            return;
        }
        try (OperationLocks.Held h = locks.hold(new OperationLocks.Want().name(dir, name).shared(dir).exclusive(id))) {
            if (local.getattr(id).type() == FileType.DIRECTORY) {
                throw new IsDirException("cannot hard-link a directory");
            }
            if (local.idAt(dir, name) != 0) {
                throw new ExistException(name + " exists");
            }
            log(who, (seq, t) -> new Op.Link(id, dir, name, nanos(t)));
        }
    }

    // ---------------------------------------------------------------- objects made outside the server

    /**
     * Records an object found in the export without a FileId (made outside the server) as an ADOPT
     * record with its attributes and content (a symlink's target; a file's data, its first
     * {@link Journal#ADOPT_CHUNK} bytes in the record and the rest in WRITE records after it), then
     * gives it its FileId. LocalFileSystem calls this under its lock for adoptions in the parent. An append
     * that fails refuses the lookup that found the object, which stays unidentified.
     */
    private void adopt(long parent, String name, long id, Path path, Attr a) throws IOException, FsException {
        ObjectType type;
        try {
            type = RecordApplier.objectType(a.type());
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: a {} has no record type; adopted unrecorded as {} (replicas will lack it)", path, a.type(),
                    Long.toHexString(id));
            local.claim(parent, name, id);
            return;
        }
        Attrs attrs = new Attrs(a.mode() & 07777, a.uid(), a.gid(), a.size(), a.atimeNanos(), a.mtimeNanos());
        try (FileChannel data = type == ObjectType.REGULAR
                ? FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS) : null) {
            Journal.ContentReader reader = (off, n) -> read(data, off, n);
            ByteBuffer content = switch (type) {
                case REGULAR -> reader.read(0, (int) Math.min(Journal.ADOPT_CHUNK, a.size()));
                case SYMLINK -> ByteBuffer.wrap(Files.readSymbolicLink(path).toString().getBytes(StandardCharsets.UTF_8));
                default -> ByteBuffer.allocate(0);
            };
            long parentMtime = local.getattr(parent).mtimeNanos();
            OpRecord r = append(Identity.ROOT, (seq, t) -> new Op.Adopt(parent, name, id, type, attrs, content,
                    parentMtime));
            long last = r.seq();
            try {
                if (type == ObjectType.REGULAR) {
                    last = Math.max(last, journal.appendContent(id, content.remaining(), a.size(), a.mtimeNanos(), reader));
                }
                // durable here; not waited for by backups: it records what is on disk already, and a full
                // resync's walk, which adopts what it lists, must not wait for the backup it is resyncing
                journal.syncLocal(last);
            } catch (IOException | FsException e) {
                FsException f = e instanceof FsException fe ? fe : IoErrors.map((IOException) e, "journal append");
                abortQuietly(r, f.status());
                journal.applier().abandon(r.op(), r.seq());
                journal.done(r.seq());
                throw f;
            }
            apply(r, false); // claims it
        }
    }

    private static ByteBuffer read(FileChannel ch, long offset, int count) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(count);
        while (b.hasRemaining() && ch.read(b, offset + b.position()) >= 0) {
            // until full or at the end of the file
        }
        return b.flip();
    }

    // ---------------------------------------------------------------- retransmissions after a restart

    /**
     * The FileId that a {@code kind} change (CREATE, MKDIR, SYMLINK, MKNOD) of {@code name}, asked
     * for by this very request (client and xid), gave before a restart; 0 when there was none.
     */
    private long madeBefore(Identity who, OpType kind, long dir, String name) {
        Op op = journal.changeMadeBefore(who);
        if (op == null || op.type() != kind) {
            return 0;
        }
        long id = op instanceof Op.Create c && c.parent() == dir && c.name().equals(name) ? c.id()
                : op instanceof Op.Mkdir m && m.parent() == dir && m.name().equals(name) ? m.id()
                : op instanceof Op.Symlink s && s.parent() == dir && s.name().equals(name) ? s.id()
                : op instanceof Op.Mknod n && n.parent() == dir && n.name().equals(name) ? n.id() : 0;
        if (id != 0) {
            repeated(who, op);
        }
        return id;
    }

    /** A retransmission of a change made before the restart: answered as then, not executed again. */
    private static void repeated(Identity who, Op op) {
        LOG.info("{}: retransmission of a change made before the restart ({}); answered as it was then", who, op.type());
    }

    // ---------------------------------------------------------------- logging and applying

    /** Appends, makes durable and applies a change (the caller holds its locks). */
    private void log(Identity who, SegmentLog.OpAt op) throws FsException {
        apply(append(who, op), true);
    }

    private OpRecord append(Identity who, SegmentLog.OpAt op) throws FsException {
        String closed = journal.closedBecause();
        if (closed != null) {
            // NFS3ERR_JUKEBOX: the client tries again later (by then at the new primary, or here once the lease is back)
            throw new dev.nfsrepl.fs.error.JukeboxException("changes are refused: " + closed);
        }
        try {
            return journal.append(who, op);
        } catch (Journal.ClosedException e) { // (closed between the check above and the append)
            throw new dev.nfsrepl.fs.error.JukeboxException(e.getMessage());
        } catch (IOException e) {
            throw IoErrors.map(e, "journal append"); // nothing changed: the operation is refused
        }
    }

    private void apply(OpRecord r, boolean durableFirst) throws FsException {
        try {
            if (durableFirst) {
                journal.syncLocal(r.seq()); // (replication's wait comes after the locks: ReplicatedReplies)
            }
            RecordApplier.Outcome o = journal.applier().apply(r);
            if (o != RecordApplier.Outcome.APPLIED) {
                throw new ServerFaultException("record " + r + " could not be applied (" + o
                        + "): the export was changed outside nfsrepl meanwhile");
            }
            if (durableFirst) {
                journal.replicateLater(r.seq());
            }
        } catch (IOException e) {
            FsException f = IoErrors.map(e, "journal sync");
            LOG.warn("record #{}: {}", r.seq(), f.getMessage());
            abortQuietly(r, f.status());
            throw f;
        } catch (FsException e) {
            LOG.warn("record #{} ({}): {}", r.seq(), r.type(), e.getMessage());
            abortQuietly(r, e.status());
            throw e;
        } finally {
            journal.done(r.seq());
        }
    }

    private void abortQuietly(OpRecord r, int status) {
        // it passed its checks, so this is no ordinary refusal: a full or failing disk, an outside change
        LOG.warn("record #{} ({}) failed after it was logged, with NFS status {}; writing its ABORT", r.seq(),
                r.type(), status);
        try {
            journal.abort(r, status);
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot write the ABORT of record {}: recovery will apply it again", r, e);
        }
    }

    private static long nanos(long micros) {
        return micros * 1000;
    }

    // ---------------------------------------------------------------- locks

    /** The locks of an operation on a name, and the FileId the name held once they were taken. */
    private static final class Held implements AutoCloseable {
        final OperationLocks.Held locks;
        final long child;

        Held(OperationLocks.Held locks, long child) {
            this.locks = locks;
            this.child = child;
        }

        @Override
        public void close() {
            locks.close();
        }
    }

    /** Exclusive locks on objects (0s are ignored). */
    private Held hold(long... ids) {
        OperationLocks.Want w = new OperationLocks.Want();
        for (long id : ids) {
            w.exclusive(id);
        }
        return new Held(locks.hold(w), 0);
    }

    /**
     * Locks name {@code name} of {@code dir}, the directory shared, and the object now at the name
     * (if any) and {@code others} exclusive, re-resolving until the name holds still.
     */
    private Held holdWithChild(long dir, String name, long... others) throws FsException {
        long guess = local.idAt(dir, name);
        while (true) {
            OperationLocks.Want w = new OperationLocks.Want().name(dir, name).shared(dir).exclusive(guess);
            for (long o : others) {
                w.exclusive(o);
            }
            OperationLocks.Held h = locks.hold(w);
            long now = local.idAt(dir, name);
            if (now == guess) {
                return new Held(h, now);
            }
            h.close();
            guess = now;
        }
    }
}
