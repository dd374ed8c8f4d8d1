package dev.nfsrepl.journal;

import dev.nfsrepl.fs.Attr;
import dev.nfsrepl.fs.DirEntry;
import dev.nfsrepl.fs.DirPage;
import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.ReadResult;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.NoEntException;
import dev.nfsrepl.fs.error.StaleException;
import dev.nfsrepl.replication.record.Attrs;
import dev.nfsrepl.replication.record.ObjectType;
import dev.nfsrepl.replication.record.Op;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * A tree as the ops that rebuild it in an empty directory whose root has the tree's root identity
 * (a backup's full resync): MKDIR, CREATE + WRITE + SETATTR (size and times, so that holes and
 * times come out right), SYMLINK, MKNOD, and LINK for each further name of a hard-linked file,
 * parents before children, each op carrying its parent's mtime. All-zero blocks of a file are not
 * sent: they stay holes. Objects that vanish while the tree is walked (it is live) are skipped; the
 * records written meanwhile, replayed afterwards, bring the copy up to date.
 *
 * <p>One case the replay cannot mend: an object renamed (or linked) from a directory the walk had
 * not reached into one it had passed is seen in neither. So after the walk, {@link #catchUp} looks
 * at the records written during it: every object a RENAME or LINK put somewhere, that the walk did
 * not send and that is still there, is sent at that place (with its subtree).
 *
 * <p>Resuming an interrupted resync, the walk is given the digests of the directories the backup
 * already holds ({@link TreeDigest#byDirectory}, by path). It digests its own tree first and sends
 * no op for the subtree of a directory whose digest is the backup's (only the MKDIR and times of
 * the directory itself); every object in such a subtree counts as sent, and a further name of one
 * of its files met elsewhere is sent as a LINK. What else the backup's copy holds is mended as in
 * any resync: the records after the resync's start are applied again afterwards.
 */
public final class TreeWalk {

    /** Receives the ops, in order. */
    public interface Sink {
        void accept(Op op) throws IOException;
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TreeWalk.class);
    private static final int CHUNK = 1 << 20;
    private static final int ZERO_BLOCK = 4096;

    private final FileSystem fs;
    private final Sink out;
    private final Set<Long> linked = new HashSet<>();
    private final Set<Long> sent = new HashSet<>();
    private final Set<String> held = new HashSet<>(); // paths of the subtrees the backup holds as they are here
    private long objects;
    private long bytes;
    private long heldObjects;
    private long heldDirectories;

    private TreeWalk(FileSystem fs, Sink out) {
        this.fs = fs;
        this.out = out;
    }

    /** Where the records written during a walk come from. */
    public interface Records {
        /** Each op of the records after the walk's start, as far as they go now. */
        void forEach(Sink each) throws IOException;
    }

    /**
     * Walks the whole tree of {@code fs}, leaving out the subtrees the backup holds ({@code have}:
     * its directories' digests by path; empty: none), then {@link #catchUp catches up} with
     * {@code during}; returns {objects sent, content bytes sent, objects the backup held}.
     */
    public static long[] run(FileSystem fs, Map<String, String> have, Sink out, Records during) throws IOException {
        TreeWalk w = walk(fs, have, out);
        w.catchUp(during);
        return new long[] {w.objects, w.bytes, w.heldObjects};
    }

    /** Walks the whole tree of {@code fs}; returns {objects, content bytes} sent. */
    public static long[] run(FileSystem fs, Sink out) throws IOException {
        TreeWalk w = walk(fs, Map.of(), out);
        return new long[] {w.objects, w.bytes};
    }

    private static TreeWalk walk(FileSystem fs, Map<String, String> have, Sink out) throws IOException {
        TreeWalk w = new TreeWalk(fs, out);
        try {
            if (!have.isEmpty()) {
                w.skipWhatTheBackupHolds(have);
                LOG.info("resuming a resync: {} subtrees ({} objects) are on the backup as they are here; not sent "
                        + "again", w.heldDirectories, w.heldObjects);
            }
            Attr root = fs.getattr(fs.rootId());
            if (!w.held.contains("/")) {
                w.directory(fs.rootId(), "", root.mtimeNanos());
            }
            out.accept(new Op.SetAttrs(fs.rootId(), root.mode() & 07777, root.uid(), root.gid(), null, root.atimeNanos(),
                    root.mtimeNanos()));
        } catch (FsException e) {
            throw new IOException("cannot read the root of the tree: " + e.getMessage(), e);
        }
        return w;
    }

    /**
     * Digests this tree and notes the subtrees whose digests are the backup's: they are not walked,
     * their objects count as sent, and their files as linked (a further name is sent as a LINK).
     */
    private void skipWhatTheBackupHolds(Map<String, String> have) throws FsException {
        SortedMap<String, String> described = TreeDigest.describe(fs);
        SortedMap<String, String> mine = TreeDigest.byDirectory(described);
        for (Map.Entry<String, String> d : mine.entrySet()) {
            String p = d.getKey();
            if (!d.getValue().equals(have.get(p)) || heldAbove(p)) {
                continue;
            }
            held.add(p);
            heldDirectories++;
            String below = p.equals("/") ? "/" : p + "/";
            for (Map.Entry<String, String> e : described.tailMap(below).entrySet()) {
                if (!e.getKey().startsWith(below)) {
                    break;
                }
                long id = TreeDigest.idOf(e.getValue());
                sent.add(id);
                linked.add(id);
                heldObjects++;
            }
        }
    }

    private boolean heldAbove(String p) {
        // (a directory's ancestors come before it in path order, so they are decided already)
        for (int slash = p.lastIndexOf('/'); slash >= 0; slash = p.lastIndexOf('/', slash - 1)) {
            if (held.contains(slash == 0 ? "/" : p.substring(0, slash))) {
                return true;
            }
            if (slash == 0) {
                return false;
            }
        }
        return false;
    }

    /** Sends the objects that records written during the walk moved past it (see the class comment). */
    private void catchUp(Records during) throws IOException {
        during.forEach(op -> {
            long id;
            long dir;
            String name;
            if (op instanceof Op.Rename r) {
                id = r.id();
                dir = r.toParent();
                name = r.toName();
            } else if (op instanceof Op.Link l) {
                id = l.id();
                dir = l.parent();
                name = l.name();
            } else {
                return;
            }
            if (sent.contains(id)) {
                return;
            }
            try {
                if (fs.lookup(Identity.ROOT, dir, name) == id) {
                    entry(dir, null, fs.getattr(dir).mtimeNanos(), name, fs.getattr(id));
                }
            } catch (FsException e) {
                // gone again: nothing to send
            }
        });
    }

    /** Sends the entries of {@code dir}, whose path is {@code path} ("" the root; null: not known, nothing skipped). */
    private void directory(long dir, String path, long dirMtime) throws IOException, FsException {
        long cookie = 0;
        while (true) {
            DirPage page;
            try {
                page = fs.readdir(Identity.ROOT, dir, cookie, 512, false);
            } catch (NoEntException | StaleException e) {
                return; // removed meanwhile
            }
            for (DirEntry e : page.entries()) {
                cookie = e.cookie();
                if (!e.name().equals(".") && !e.name().equals("..")) {
                    try {
                        entry(dir, path, dirMtime, e.name(), fs.getattr(e.fileId()));
                    } catch (NoEntException | StaleException gone) {
                        // removed meanwhile
                    }
                }
            }
            if (page.eof()) {
                return;
            }
        }
    }

    private void entry(long dir, String dirPath, long dirMtime, String name, Attr a) throws IOException, FsException {
        long id = a.fileId();
        String path = dirPath == null ? null : dirPath + "/" + TreeDigest.escape(name);
        if (sent.contains(id) && !(a.nlink() > 1 && a.type() != FileType.DIRECTORY)) {
            return; // met again after a rename moved it ahead of the walk: the replayed RENAME moves it
        }
        Attrs attrs = new Attrs(a.mode() & 07777, a.uid(), a.gid(), 0, a.atimeNanos(), a.mtimeNanos());
        objects++;
        sent.add(id);
        switch (a.type()) {
            case DIRECTORY -> {
                out.accept(new Op.Mkdir(dir, name, id, attrs, dirMtime));
                if (path == null || !held.contains(path)) {
                    directory(id, path, a.mtimeNanos());
                }
                out.accept(new Op.SetAttrs(id, null, null, null, null, a.atimeNanos(), a.mtimeNanos()));
            }
            case REGULAR -> {
                if (a.nlink() > 1 && !linked.add(id)) {
                    out.accept(new Op.Link(id, dir, name, dirMtime));
                    return;
                }
                out.accept(new Op.Create(dir, name, id, Op.CreateHow.UNCHECKED, false, 0, attrs, dirMtime));
                content(id, a);
                out.accept(new Op.SetAttrs(id, null, null, null, a.size(), a.atimeNanos(), a.mtimeNanos()));
            }
            case SYMLINK -> {
                String target = fs.readlink(Identity.ROOT, id);
                out.accept(new Op.Symlink(dir, name, id, target, new Attrs(attrs.mode(), a.uid(), a.gid(),
                        target.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, a.atimeNanos(), a.mtimeNanos()), dirMtime));
            }
            case FIFO, SOCKET -> {
                if (a.nlink() > 1 && !linked.add(id)) {
                    out.accept(new Op.Link(id, dir, name, dirMtime));
                    return;
                }
                out.accept(new Op.Mknod(dir, name, id, a.type() == FileType.FIFO ? ObjectType.FIFO : ObjectType.SOCKET,
                        attrs, dirMtime));
            }
            default -> objects--; // devices are not replicated (as in the journal)
        }
    }

    private void content(long id, Attr a) throws IOException, FsException {
        for (long off = 0; off < a.size(); off += CHUNK) {
            ReadResult r = fs.read(Identity.ROOT, id, off, (int) Math.min(CHUNK, a.size() - off));
            ByteBuffer b = r.data();
            if (!b.hasRemaining()) {
                return; // shorter now
            }
            int len = b.remaining();
            for (int at = 0; at < len; at += ZERO_BLOCK) { // data runs between all-zero blocks
                int end = Math.min(len, at + ZERO_BLOCK);
                if (!zero(b, at, end)) {
                    int runEnd = end;
                    while (runEnd < len && !zero(b, runEnd, Math.min(len, runEnd + ZERO_BLOCK))) {
                        runEnd = Math.min(len, runEnd + ZERO_BLOCK);
                    }
                    ByteBuffer run = ByteBuffer.allocate(runEnd - at) // its own buffer: the op outlives the read
                            .put(b.duplicate().position(b.position() + at).limit(b.position() + runEnd)).flip();
                    out.accept(new Op.Write(id, off + at, run, Op.Stability.UNSTABLE, a.mtimeNanos()));
                    bytes += runEnd - at;
                    at = runEnd - ZERO_BLOCK;
                }
            }
        }
    }

    private static boolean zero(ByteBuffer b, int from, int to) {
        int base = b.position();
        for (int i = from; i < to; i++) {
            if (b.get(base + i) != 0) {
                return false;
            }
        }
        return true;
    }
}
