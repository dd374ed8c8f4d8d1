package dev.nfsrepl.journal;

import dev.nfsrepl.fs.Attr;
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
 * (a backup's full resync, a checkpoint): MKDIR, CREATE + WRITE + SETATTR (size and times, so that
 * holes and times come out right), SYMLINK, MKNOD, and LINK for each further name of a file, parents
 * before children, each op carrying its parent's mtime. All-zero blocks of a file are not sent: they
 * stay holes.
 *
 * <p>The names sent are exactly those of the tree after one record of its journal, E (read while
 * clients change the tree: {@link LiveNamespace}); {@link #live} returns E. Attributes and contents
 * are read afterwards and are at least as new as E: applying the records after E to the copy gives
 * the tree those records left, as on the primary. An object removed after E is still sent (its
 * name, type and whatever attributes are left; the record that removed it removes it from the copy).
 *
 * <p>Resuming an interrupted resync, the walk is given the digests of the directories the backup
 * already holds ({@link TreeDigest#byDirectory}, by path). It digests its own tree, and sends the
 * files below a directory whose digest is the backup's without their content: the backup keeps the
 * content it has under their FileIds ({@code ReplicaStore}). Every other file is sent truncated to
 * nothing first, then its content, so that content the backup kept under its FileId never shows
 * through a hole. Names are always sent in full.
 */
public final class TreeWalk {

    /** Receives the ops, in order. */
    public interface Sink {
        void accept(Op op) throws IOException;
    }

    /** What a walk sent: the record its names are exact after, objects, content bytes, files whose content the backup kept. */
    public record Sent(long asOf, long objects, long bytes, long held) {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TreeWalk.class);
    private static final int CHUNK = 1 << 20;
    private static final int ZERO_BLOCK = 4096;
    /** Attributes sent for an object removed since E (the record that removed it follows). */
    private static final Attrs GONE = new Attrs(0600, 0, 0, 0, 0L, 0L);

    private final FileSystem fs;
    private final LiveNamespace names;
    private final Sink out;
    private final Set<Long> held;
    private final boolean resuming;
    private final Set<Long> named = new HashSet<>();
    private long objects;
    private long bytes;
    private long heldFiles;

    private TreeWalk(FileSystem fs, LiveNamespace names, Sink out, Set<Long> held, boolean resuming) {
        this.fs = fs;
        this.names = names;
        this.out = out;
        this.held = held;
        this.resuming = resuming;
    }

    /**
     * Walks the live tree of {@code journal}, sending below the directories whose digests the backup
     * holds ({@code have}: by path; empty: none) no content (see the class comment).
     */
    public static Sent live(Journal journal, Map<String, String> have, Sink out) throws IOException {
        return run(journal.tree(), journal.changes(), have, out);
    }

    /** Walks a tree nobody changes (a checkpoint's); returns {objects, content bytes} sent. */
    public static long[] run(FileSystem fs, Sink out) throws IOException {
        Sent s = run(fs, LiveNamespace.Changes.NONE, Map.of(), out);
        return new long[] {s.objects(), s.bytes()};
    }

    static Sent run(FileSystem fs, LiveNamespace.Changes changes, Map<String, String> have, Sink out)
            throws IOException {
        LiveNamespace names = LiveNamespace.read(fs, changes);
        Set<Long> held = have.isEmpty() ? Set.of() : heldFiles(fs, have);
        TreeWalk w = new TreeWalk(fs, names, out, held, !have.isEmpty());
        try {
            Attr root = fs.getattr(fs.rootId());
            w.directory(fs.rootId(), root.mtimeNanos());
            out.accept(new Op.SetAttrs(fs.rootId(), root.mode() & 07777, root.uid(), root.gid(), null, root.atimeNanos(),
                    root.mtimeNanos()));
        } catch (FsException e) {
            throw new IOException("cannot read the root of the tree: " + e.getMessage(), e);
        }
        if (!have.isEmpty()) {
            LOG.info("resuming a resync: {} files of the backup's kept copy are as they are here; their content is "
                    + "not sent again", w.heldFiles);
        }
        return new Sent(names.asOf(), w.objects, w.bytes, w.heldFiles);
    }

    /** The regular files below the directories whose digests equal the backup's (read after the names: as new as E). */
    private static Set<Long> heldFiles(FileSystem fs, Map<String, String> have) throws IOException {
        SortedMap<String, String> described = null;
        for (int attempt = 1; described == null; attempt++) {
            try {
                described = TreeDigest.describe(fs);
            } catch (FsException | IllegalStateException e) { // an object went while it was read
                if (attempt == 3) {
                    LOG.warn("resuming a resync: the tree changed under each of 3 digests of it ({}); every file's "
                            + "content is sent again", e.toString());
                    return Set.of();
                }
            }
        }
        Set<String> equal = new HashSet<>();
        TreeDigest.byDirectory(described).forEach((path, digest) -> {
            if (digest.equals(have.get(path))) {
                equal.add(path);
            }
        });
        Set<Long> files = new HashSet<>();
        described.forEach((path, d) -> {
            int slash = path.lastIndexOf('/');
            String parent = slash == 0 ? "/" : path.substring(0, slash);
            if (d.startsWith("REGULAR ") && equal.contains(parent)) {
                files.add(TreeDigest.idOf(d));
            }
        });
        return files;
    }

    /** Sends the entries of {@code dir}, whose mtime is {@code dirMtime}. */
    private void directory(long dir, long dirMtime) throws IOException, FsException {
        for (Map.Entry<String, Long> e : names.entries(dir).entrySet()) {
            entry(dir, dirMtime, e.getKey(), e.getValue());
        }
    }

    private void entry(long dir, long dirMtime, String name, long id) throws IOException, FsException {
        FileType type = names.type(id);
        Attr a;
        try {
            a = fs.getattr(id);
        } catch (NoEntException | StaleException gone) {
            a = null;
        }
        if (a != null && a.type() != type) {
            a = null; // (FileIds are never reused: cannot happen)
        }
        Attrs attrs = a == null ? GONE : new Attrs(a.mode() & 07777, a.uid(), a.gid(), 0, a.atimeNanos(), a.mtimeNanos());
        boolean first = named.add(id);
        if (first) {
            objects++;
        }
        switch (type) {
            case DIRECTORY -> {
                if (!first) {
                    throw new IOException("directory " + Long.toHexString(id) + " has two names; the walk stops");
                }
                out.accept(new Op.Mkdir(dir, name, id, attrs, dirMtime));
                directory(id, attrs.mtimeNanos());
                out.accept(new Op.SetAttrs(id, null, null, null, null, attrs.atimeNanos(), attrs.mtimeNanos()));
            }
            case REGULAR -> {
                if (!first) {
                    out.accept(new Op.Link(id, dir, name, dirMtime));
                    return;
                }
                out.accept(new Op.Create(dir, name, id, Op.CreateHow.UNCHECKED, false, 0, attrs, dirMtime));
                long size = a == null ? 0 : a.size();
                if (held.contains(id)) {
                    heldFiles++;
                } else {
                    if (resuming) {
                        out.accept(new Op.SetAttrs(id, null, null, null, 0L, null, null));
                    }
                    if (a != null) {
                        try {
                            content(id, a);
                        } catch (NoEntException | StaleException gone) {
                            // removed meanwhile: the record that removed it follows
                        }
                    }
                }
                out.accept(new Op.SetAttrs(id, null, null, null, size, attrs.atimeNanos(), attrs.mtimeNanos()));
            }
            case SYMLINK -> {
                if (!first) {
                    throw new IOException("symlink " + Long.toHexString(id) + " has two names; the walk stops");
                }
                String target = a == null ? "(removed)" : readlink(id);
                out.accept(new Op.Symlink(dir, name, id, target, new Attrs(attrs.mode(), attrs.uid(), attrs.gid(),
                        target.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, attrs.atimeNanos(),
                        attrs.mtimeNanos()), dirMtime));
            }
            case FIFO, SOCKET -> {
                if (!first) {
                    out.accept(new Op.Link(id, dir, name, dirMtime));
                    return;
                }
                out.accept(new Op.Mknod(dir, name, id, type == FileType.FIFO ? ObjectType.FIFO : ObjectType.SOCKET,
                        attrs, dirMtime));
            }
            default -> objects--; // devices are not replicated (as in the journal)
        }
    }

    private String readlink(long id) throws FsException {
        try {
            return fs.readlink(Identity.ROOT, id);
        } catch (NoEntException | StaleException gone) {
            return "(removed)";
        }
    }

    private void content(long id, Attr a) throws IOException, FsException {
        dataRuns(fs, id, a.size(), (offset, run) -> {
            bytes += run.remaining();
            out.accept(new Op.Write(id, offset, run, Op.Stability.UNSTABLE, a.mtimeNanos()));
        });
    }

    /** Receives the runs of a file's data between all-zero blocks. */
    interface DataRun<E extends Exception> {
        void accept(long offset, ByteBuffer run) throws E, FsException;
    }

    /**
     * Reads the first {@code size} bytes of file {@code id} (fewer when it is shorter now) and passes
     * its data in runs between all-zero 4 KiB blocks, each in a buffer of its own: the zero blocks
     * are left out, to stay holes where they are written.
     */
    static <E extends Exception> void dataRuns(FileSystem fs, long id, long size, DataRun<E> out) throws E, FsException {
        for (long off = 0; off < size; off += CHUNK) {
            ReadResult r = fs.read(Identity.ROOT, id, off, (int) Math.min(CHUNK, size - off));
            ByteBuffer b = r.data();
            if (!b.hasRemaining()) {
                return; // shorter now
            }
            int len = b.remaining();
            for (int at = 0; at < len; at += ZERO_BLOCK) {
                int end = Math.min(len, at + ZERO_BLOCK);
                if (!zero(b, at, end)) {
                    int runEnd = end;
                    while (runEnd < len && !zero(b, runEnd, Math.min(len, runEnd + ZERO_BLOCK))) {
                        runEnd = Math.min(len, runEnd + ZERO_BLOCK);
                    }
                    ByteBuffer run = ByteBuffer.allocate(runEnd - at) // its own buffer: the op outlives the read
                            .put(b.duplicate().position(b.position() + at).limit(b.position() + runEnd)).flip();
                    out.accept(off + at, run);
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
