package dev.nfsrepl.journal;

import dev.nfsrepl.fs.Attr;
import dev.nfsrepl.fs.CreateMode;
import dev.nfsrepl.fs.DirEntry;
import dev.nfsrepl.fs.DirPage;
import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.SetAttr;
import dev.nfsrepl.fs.Stability;
import dev.nfsrepl.fs.TimeSpec;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.NoEntException;
import dev.nfsrepl.fs.error.PermException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import com.google.common.util.concurrent.ThreadFactoryBuilder;

/**
 * Copies a tree from one {@link FileSystem} into another, as the server (root): directories,
 * regular files (holes kept: blocks of zeros are not written), symlinks, FIFOs and sockets, hard
 * links among the copied files as hard links, and every object's mode, owner and times (a
 * directory's after its entries). The copies get fresh FileIds. Through a recording file system,
 * every change is journaled and replicated, and the last one is committed, which makes the journal
 * durable up to it.
 *
 * <p>Files with a single name are copied by 8 threads per directory (each namespace change waits for
 * the journal's fsync; concurrent ones share it); a directory's attributes are set once all its
 * entries are done.
 *
 * <p>Names are checked as NFS names (no '/', not "." or ".."), and every name is looked up in its
 * directory without following symlinks, so a copy never leaves its target directory.
 */
public final class TreeCopy {

    private static final int WORKERS = 8;

    /** What a copy made. */
    public record Counts(long directories, long files, long symlinks, long specials, long hardLinks, long bytes) {
        @Override
        public String toString() {
            return directories + " directories, " + files + " files (" + bytes + " bytes), " + symlinks + " symlinks, "
                    + specials + " FIFOs/sockets, " + hardLinks + " further hard links";
        }
    }

    private final FileSystem from;
    private final FileSystem to;
    private final boolean force;
    private final Consumer<String> problems;
    private final Runnable step;
    private final Map<Long, Long> copiedFiles = new HashMap<>(); // a source file with several names -> its copy
    private long directories;
    private final AtomicLong files = new AtomicLong();
    private long symlinks;
    private long specials;
    private long hardLinks;
    private final AtomicLong bytes = new AtomicLong();
    private volatile long lastFile;
    private volatile boolean ownersRefused;
    private ExecutorService workers;

    /**
     * @param force    a target directory that is not empty is merged into: entries of the copy replace
     *                 those with the same names (a directory into a directory merges), others stay
     * @param problems told what could not be copied exactly
     * @param step     told of each object copied
     */
    public TreeCopy(FileSystem from, FileSystem to, boolean force, Consumer<String> problems, Runnable step) {
        this.from = from;
        this.to = to;
        this.force = force;
        this.problems = p -> {
            synchronized (this) {
                problems.accept(p);
            }
        };
        this.step = step;
    }

    /** Refuses a path with a name NFS would refuse ("..", "."): a copy must not leave its target. */
    static void checkNames(String path) throws RestoreException {
        for (String name : path.split("/")) {
            if (name.equals("..") || name.equals(".") || name.indexOf('\0') >= 0) {
                throw new RestoreException(RestoreException.Kind.BAD_REQUEST, "a path with '" + name + "' in it: " + path);
            }
        }
    }

    /** Refuses a target that is not a directory, or not empty without {@code force}. */
    static void checkTarget(FileSystem fs, String into, boolean force) throws RestoreException, FsException {
        Long dir = resolveOrNull(fs, into);
        if (dir == null || force) {
            return;
        }
        if (fs.getattr(dir).type() != FileType.DIRECTORY) {
            throw new RestoreException(RestoreException.Kind.CONFLICT, into + " exists and is not a directory "
                    + "(give --force to replace it)");
        }
        for (DirEntry e : fs.readdir(Identity.ROOT, dir, 0, 3, false).entries()) {
            if (!e.name().equals(".") && !e.name().equals("..")) {
                throw new RestoreException(RestoreException.Kind.CONFLICT, into + " is not empty (it holds " + e.name()
                        + "); give --force to restore into it anyway (entries with the same names are replaced)");
            }
        }
    }

    /** The object at {@code path} ("/" the root), names looked up one by one; NoEnt when a name is missing. */
    public static long resolve(FileSystem fs, String path) throws FsException {
        long cur = fs.rootId();
        for (String name : path.split("/")) {
            if (!name.isEmpty()) {
                if (fs.getattr(cur).type() != FileType.DIRECTORY) {
                    throw new NoEntException(path + ": not a directory on the way");
                }
                cur = fs.lookup(Identity.ROOT, cur, name);
            }
        }
        return cur;
    }

    private static Long resolveOrNull(FileSystem fs, String path) throws FsException {
        try {
            return resolve(fs, path);
        } catch (NoEntException e) {
            return null;
        }
    }

    /**
     * Copies the object {@code source} of the source tree to {@code into} (a path of the target),
     * making the directories above it that are missing.
     */
    public Counts copy(long source, String into) throws FsException {
        // files with one name are copied by several threads: each namespace change waits for the journal's
        // fsync, and concurrent ones share it (group commit)
        workers = Executors.newFixedThreadPool(WORKERS, new ThreadFactoryBuilder().setNameFormat("nfsrepl-copy-%d")
                .setDaemon(true).build());
        try {
            return copyAll(source, into);
        } finally {
            workers.shutdownNow();
        }
    }

    private Counts copyAll(long source, String into) throws FsException {
        long parent = to.rootId();
        String[] names = into.split("/");
        String last = null;
        for (String name : names) {
            if (name.isEmpty()) {
                continue;
            }
            if (last != null) {
                parent = directory(parent, last);
            }
            last = name;
        }
        if (last == null) { // into the root
            copyDirectory(source, to.rootId());
            setAttrs(to.rootId(), from.getattr(source));
        } else {
            copyObject(source, from.getattr(source), parent, last);
        }
        if (lastFile != 0) {
            to.commit(Identity.ROOT, lastFile); // the journal is durable up to the copy's last change
        }
        return new Counts(directories, files.get(), symlinks, specials, hardLinks, bytes.get());
    }

    /** The directory {@code name} in {@code parent}, made (0755) when missing. */
    private long directory(long parent, String name) throws FsException {
        try {
            long id = to.lookup(Identity.ROOT, parent, name);
            if (to.getattr(id).type() == FileType.DIRECTORY) {
                return id;
            }
            if (!force) {
                throw new dev.nfsrepl.fs.error.NotDirException(name + " is in the way and not a directory");
            }
            to.remove(Identity.ROOT, parent, name);
        } catch (NoEntException e) {
            // make it
        }
        return to.mkdir(Identity.ROOT, parent, name, SetAttr.mode(0755));
    }

    private void copyObject(long source, Attr a, long parent, String name) throws FsException {
        Long existing = existing(parent, name, a.type());
        switch (a.type()) {
            case DIRECTORY -> {
                long dir = existing != null ? existing : to.mkdir(Identity.ROOT, parent, name, SetAttr.mode(0700));
                directories++;
                step.run();
                copyDirectory(source, dir);
                setAttrs(dir, a);
            }
            case REGULAR -> {
                Long copied = a.nlink() > 1 ? copiedFiles.get(source) : null;
                if (copied != null) {
                    to.link(Identity.ROOT, copied, parent, name);
                    hardLinks++;
                    return;
                }
                long id = to.create(Identity.ROOT, parent, name, CreateMode.GUARDED, SetAttr.mode(0600), null);
                copyData(source, id, a.size());
                setAttrs(id, a);
                if (a.nlink() > 1) {
                    copiedFiles.put(source, id); // on the directory's own thread: linked files are not parallel
                }
                files.incrementAndGet();
                lastFile = id;
                step.run();
            }
            case SYMLINK -> {
                long id = to.symlink(Identity.ROOT, parent, name, from.readlink(Identity.ROOT, source), SetAttr.NONE);
                setAttrs(id, a);
                symlinks++;
                step.run();
            }
            case FIFO, SOCKET -> {
                long id = to.mknod(Identity.ROOT, parent, name, a.type(), SetAttr.mode(a.mode()));
                setAttrs(id, a);
                specials++;
                step.run();
            }
            default -> problems.accept("not copied: " + name + " (a " + a.type() + ")");
        }
    }

    /** The entry already at {@code name}: a directory to merge into, else removed; refused without force. */
    private Long existing(long parent, String name, FileType type) throws FsException {
        long id;
        try {
            id = to.lookup(Identity.ROOT, parent, name);
        } catch (NoEntException e) {
            return null;
        }
        FileType there = to.getattr(id).type();
        if (there == FileType.DIRECTORY && type == FileType.DIRECTORY) {
            return id;
        }
        if (!force) {
            throw new dev.nfsrepl.fs.error.ExistException(name + " exists in the target");
        }
        if (there == FileType.DIRECTORY) {
            removeTree(id);
            to.rmdir(Identity.ROOT, parent, name);
        } else {
            to.remove(Identity.ROOT, parent, name);
        }
        return null;
    }

    private void removeTree(long dir) throws FsException {
        for (DirEntry e : entries(to, dir)) {
            if (to.getattr(e.fileId()).type() == FileType.DIRECTORY) {
                removeTree(e.fileId());
                to.rmdir(Identity.ROOT, dir, e.name());
            } else {
                to.remove(Identity.ROOT, dir, e.name());
            }
        }
    }

    /** Copies a directory's entries; its files with a single name in parallel, the rest in order. */
    private void copyDirectory(long source, long dir) throws FsException {
        List<Future<?>> pending = new ArrayList<>();
        try {
            for (DirEntry e : entries(from, source)) {
                Attr a = from.getattr(e.fileId());
                if (a.type() == FileType.REGULAR && a.nlink() == 1) {
                    pending.add(workers.submit(() -> {
                        copyObject(e.fileId(), a, dir, e.name());
                        return null;
                    }));
                } else {
                    copyObject(e.fileId(), a, dir, e.name());
                }
            }
        } finally {
            awaitAll(pending);
        }
    }

    private static void awaitAll(List<Future<?>> pending) throws FsException {
        FsException failed = null;
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof FsException fe) {
                    failed = failed == null ? fe : failed;
                } else if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                } else {
                    throw new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new dev.nfsrepl.fs.error.IoErrorException("interrupted while copying");
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** The entries of {@code dir}, without "." and "..". */
    static List<DirEntry> entries(FileSystem fs, long dir) throws FsException {
        List<DirEntry> all = new ArrayList<>();
        long cookie = 0;
        while (true) {
            DirPage page = fs.readdir(Identity.ROOT, dir, cookie, 512, false);
            for (DirEntry e : page.entries()) {
                cookie = e.cookie();
                if (!e.name().equals(".") && !e.name().equals("..")) {
                    all.add(e);
                }
            }
            if (page.eof()) {
                return all;
            }
        }
    }

    /** Writes the non-zero blocks of the source file; the size is set with the attributes. */
    private void copyData(long source, long id, long size) throws FsException {
        TreeWalk.dataRuns(from, source, size, (offset, run) -> {
            bytes.addAndGet(run.remaining());
            to.write(Identity.ROOT, id, offset, run, Stability.UNSTABLE);
        });
    }

    /** Mode, owner and times (and a regular file's size, which covers a trailing hole) as in the source. */
    private void setAttrs(long id, Attr a) throws FsException {
        Long size = a.type() == FileType.REGULAR ? a.size() : null;
        Integer mode = a.type() == FileType.SYMLINK ? null : a.mode();
        SetAttr all = new SetAttr(mode, ownersRefused ? null : a.uid(), ownersRefused ? null : a.gid(), size,
                TimeSpec.at(a.atimeNanos()), TimeSpec.at(a.mtimeNanos()));
        try {
            to.setattr(Identity.ROOT, id, all, null);
        } catch (PermException e) {
            if (ownersRefused) {
                throw e;
            }
            ownersRefused = true;
            problems.accept("owners not kept: the server may not change owners (" + e.getMessage() + ")");
            to.setattr(Identity.ROOT, id, new SetAttr(mode, null, null, size, TimeSpec.at(a.atimeNanos()),
                    TimeSpec.at(a.mtimeNanos())), null);
        }
    }
}
