package dev.nfsrepl.fs.local;

import dev.nfsrepl.replication.io.Durable;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.util.concurrent.Striped;
import dev.nfsrepl.fs.Blocking;
import dev.nfsrepl.fs.Attr;
import dev.nfsrepl.fs.CreateMode;
import dev.nfsrepl.fs.DirEntry;
import dev.nfsrepl.fs.DirPage;
import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.FsStat;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.ReadResult;
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
import dev.nfsrepl.fs.error.NotSuppException;
import dev.nfsrepl.fs.error.NotSyncException;
import dev.nfsrepl.fs.error.StaleException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FileSystem} over a local directory with java.nio.
 *
 * <p>Identity: every object carries a FileId, in the {@code user.nfsrepl.id} extended attribute
 * for files and directories and in {@link IdentityIndex} (by inode) for symlinks, FIFOs and
 * sockets. An object found without one (made directly on disk), or with the FileId of another
 * live object (a {@code cp -a} copy), is adopted with a fresh FileId under its parent's lock.
 * FileIds are found again through {@link IdentityIndex}, a persistent FileId → names index kept
 * in the state directory, so startup does not walk the tree; when the index misses after an
 * unclean stop, the tree is searched once, lazily.
 *
 * <p>Paths are built from the index and never followed through a symlink at the last component
 * (every call uses {@code NOFOLLOW_LINKS}); every resolved object is checked to carry the FileId
 * asked for, so a stale hint cannot make the server act on another object.
 *
 * <p>Permissions are not checked here (see {@code PermissionCheckingFileSystem}); ownership of
 * new objects is set to the caller when the server runs as root.
 *
 * <p>Thread-safe: namespace changes hold the lock of each directory they change; WRITE holds
 * its file's lock shared and COMMIT exclusive, so COMMIT waits for writes in progress.
 */
public final class LocalFileSystem implements FileSystem {

    private static final Logger LOG = LoggerFactory.getLogger(LocalFileSystem.class);
    private static final int MAX_DEPTH = 4096;

    private final Path exportDir;
    private final Path stateDir;
    private final Clock clock;
    private final boolean chownToCaller;
    private final Striped<Lock> dirLocks = Striped.lock(1024);
    private final Striped<Lock> adoptionLocks = Striped.lock(64);
    private final Striped<ReadWriteLock> fileLocks = Striped.readWriteLock(1024);
    private final DirectoryListings listings = new DirectoryListings();
    private final DirectorySync dirSync = new DirectorySync();
    private final Cache<Long, Seen> recentlySeen = CacheBuilder.newBuilder().maximumSize(200_000).build();
    /**
     * FileIds a whole-tree search did not find: stale, not walked for again for a while. Not for
     * ever: a walk racing a rename (the object moved from a directory not yet listed into one
     * already listed) misses an object that exists.
     */
    private final Cache<Long, Boolean> searchedInVain = CacheBuilder.newBuilder().maximumSize(100_000)
            .expireAfterWrite(java.time.Duration.ofSeconds(10)).build();

    private Path root;
    private long rootId;
    private int generation;
    private IdentityIndex index;
    private FileIdAllocator allocator;
    private volatile boolean indexComplete;
    private final java.util.concurrent.atomic.AtomicLong treeWalks = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean syncMetadata = true;
    private volatile Adopter adopter;
    private volatile FsStat cachedStat;
    private long givenRootId;
    private int givenGeneration;
    private volatile long cachedStatAt;

    private record Node(long id, Path path, LocalStat stat) {
    }

    /**
     * Where an object was last verified (FileId xattr and inode) and its ctime then. While the
     * path still holds that inode with that ctime, nothing about the object changed (setting an
     * xattr, renaming or linking all change ctime; a new inode is another object), so the index
     * and the xattr need not be read again. Anything else falls back to the full resolution.
     */
    private record Seen(Path path, long ino, long ctimeNanos) {
    }

    public LocalFileSystem(Path exportDir, Path stateDir, Clock clock) {
        this.exportDir = exportDir;
        this.stateDir = stateDir;
        this.clock = clock;
        this.chownToCaller = isRoot();
    }

    /**
     * For a tree that copies another export (a backup, a replayed journal): on first use, the root
     * takes this FileId and handle generation instead of new ones, so that records naming the
     * other export's root apply here, and its handles stay valid here. Call before {@link #start}.
     */
    public LocalFileSystem withIdentity(long rootId, int generation) {
        this.givenRootId = rootId;
        this.givenGeneration = generation;
        return this;
    }

    /** Opens the identity index and reads (or, on first use, assigns) the root's identity. */
    public LocalFileSystem start() throws IOException {
        root = exportDir.toRealPath();
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("export " + exportDir + " is not a directory");
        }
        Files.createDirectories(stateDir);
        if (stateDir.toRealPath().startsWith(root)) {
            throw new IOException("state directory " + stateDir + " must not be inside the export " + root);
        }
        allocator = FileIdAllocator.open(stateDir);
        index = IdentityIndex.open(stateDir);
        indexComplete = index.wasCleanlyClosed();
        rootId = Xattrs.readLong(root, Xattrs.FILE_ID);
        byte[] gen = Xattrs.read(root, Xattrs.GENERATION);
        int servedEpoch = Xattrs.readInt(root, Xattrs.EPOCH);
        boolean servedBefore = rootId != 0 && gen != null && gen.length == 4;
        if (servedBefore && allocator.isNew()) {
            // The tree carries FileIds of an earlier state we no longer have: a new epoch keeps new
            // FileIds apart from every old one, and a new generation makes old handles stale.
            allocator.newEpoch(Math.max(servedEpoch, allocator.epoch()) + 1);
            LOG.warn("export {}: served before with another state directory; starting FileId epoch {}, "
                    + "handles minted before are stale", root, allocator.epoch());
            servedBefore = false;
        }
        if (!servedBefore) {
            if (givenRootId != 0) {
                allocator.observe(givenRootId);
            }
            rootId = givenRootId != 0 ? givenRootId : allocator.next();
            generation = givenRootId != 0 ? givenGeneration : new SecureRandom().nextInt() | 1;
            Xattrs.write(root, Xattrs.GENERATION, ByteBuffer.allocate(4).putInt(generation).array());
            Xattrs.writeLong(root, Xattrs.FILE_ID, rootId);
            LOG.info("export {}: new identity, root FileId {} generation {}", root, Long.toHexString(rootId),
                    Integer.toHexString(generation));
        } else {
            generation = ByteBuffer.wrap(gen).getInt();
        }
        if (servedEpoch != allocator.epoch()) {
            Xattrs.write(root, Xattrs.EPOCH, ByteBuffer.allocate(4).putInt(allocator.epoch()).array());
            Durable.syncDirectory(root);
        }
        if (!indexComplete) {
            LOG.warn("export {}: identity index in {} was not closed cleanly; unknown FileIds will be searched for",
                    root, stateDir);
        }
        return this;
    }

    /**
     * Whether namespace and attribute changes are made durable before they are acknowledged: true
     * (the default, exports(5) {@code sync}) as NFS requires; false for an export all of whose
     * clients are {@code async}, which, as with knfsd, trades a crash's last changes for speed.
     * Data written FILE_SYNC and COMMIT are always synced.
     */
    public void setSyncMetadata(boolean sync) {
        this.syncMetadata = sync;
    }

    public Path root() {
        return root;
    }

    /** How often a FileId missing from the identity index made this file system walk the whole tree. */
    public long treeWalks() {
        return treeWalks.get();
    }

    @Override
    public long rootId() {
        return rootId;
    }

    @Override
    public int generation() {
        return generation;
    }

    // ---------------------------------------------------------------- for the journal and replicas

    /** A new FileId, never issued before (see {@link FileIdAllocator}). */
    public long newFileId() {
        return allocator.next();
    }

    /** The FileId epoch this export issues ids in. */
    public int epoch() {
        return allocator.epoch();
    }

    /**
     * Issues FileIds of epoch {@code epoch} from now on (a backup promoted in a cluster's epoch: no
     * other primary issues ids of it); kept with the root, as at a start that raises the epoch.
     */
    public void newEpoch(int epoch) throws IOException {
        allocator.newEpoch(epoch);
        Xattrs.write(root, Xattrs.EPOCH, ByteBuffer.allocate(4).putInt(epoch).array());
    }

    /** The FileId of {@code name} in {@code dir}, or 0 when there is no such name. */
    public long idAt(long dir, String name) throws FsException {
        Node d = dirNode(dir);
        Path p = d.path.resolve(name);
        LocalStat st = statIfExists(p);
        if (st == null) {
            return 0;
        }
        try {
            return identify(dir, p, name, st);
        } catch (IOException e) {
            throw IoErrors.map(e, "lookup " + p);
        }
    }

    /**
     * How an object found without a FileId of its own (made outside the server) gets one. Without
     * an adopter it is stored at once; a journaling export records the adoption first and then
     * {@link #claim}s the object. Called under a lock for adoptions in the parent directory (not
     * the directory's own lock).
     */
    public interface Adopter {
        /**
         * Object {@code name} of {@code parent}, at {@code path}, with attributes {@code attrs}, is
         * to become {@code id}; returns once it carries that FileId.
         */
        void adopt(long parent, String name, long id, Path path, Attr attrs) throws IOException, FsException;
    }

    /** Sets how objects made outside the server are adopted (null: given their FileId at once, unrecorded). */
    public void setAdopter(Adopter adopter) {
        this.adopter = adopter;
    }

    /** {@link #storedIdAt}: an object is there but carries no FileId of its own. */
    public static final long UNIDENTIFIED = -1;

    /**
     * As {@link #idAt}, but never adopting: {@link #UNIDENTIFIED} for an object without a FileId
     * of its own (made outside the server, or by a create interrupted before it stored the id).
     */
    public long storedIdAt(long dir, String name) throws FsException {
        Node d = dirNode(dir);
        Path p = d.path.resolve(name);
        LocalStat st = statIfExists(p);
        if (st == null) {
            return 0;
        }
        try {
            long id = known(dir, p, name, st);
            return id == 0 ? UNIDENTIFIED : id;
        } catch (IOException e) {
            throw IoErrors.map(e, "lookup " + p);
        }
    }

    /**
     * The FileId the object {@code name} in {@code parent} carries, taught to the index; 0 when it
     * carries none of its own (none at all, or another live object's: a copy). Never adopts:
     * adoption must not run behind the journal's back (a search during recovery would otherwise
     * give a fresh FileId to an object whose CREATE record is about to be applied again).
     */
    private long known(long parent, Path p, String name, LocalStat st) throws IOException {
        long id = storedId(p, st);
        IdentityIndex.Entry e = id == 0 ? null : index.entry(id);
        if (id == 0 || id == rootId || (e != null && e.ino() != st.ino())) {
            return 0;
        }
        if (e == null || !e.links().contains(new IdentityIndex.Link(parent, name))) {
            index.addLink(id, st.ino(), parent, name);
        }
        return id;
    }

    /** Gives the object at {@code name}, which has no FileId of its own, the FileId {@code id}. */
    public void claim(long dir, String name, long id) throws FsException {
        Node d = dirNode(dir);
        Lock lock = dirLocks.get(dir);
        lock.lock();
        try {
            Path p = d.path.resolve(name);
            LocalStat st = LocalStat.of(p);
            allocator.observe(id);
            assignId(p, st, id);
            index.addLink(id, st.ino(), dir, name);
        } catch (IOException e) {
            throw IoErrors.map(e, "claim " + name + " in " + d.path + " as " + Long.toHexString(id));
        } finally {
            lock.unlock();
        }
    }

    /**
     * What a new object of {@code type} made in {@code dir} for {@code who} is given, every field
     * resolved: the owner (the caller's when the server runs as root, else the server's; the
     * directory's group when it is setgid), the mode (0644, 0755 for directories, setgid inherited
     * by directories), the size, and times ({@code nowNanos} unless the client set them).
     */
    public SetAttr initialAttrs(Identity who, long dir, FileType type, SetAttr requested, long nowNanos)
            throws FsException {
        Node d = dirNode(dir);
        boolean setgidDir = (d.stat.mode() & 02000) != 0;
        int uid = requested.uid() != null ? requested.uid() : chownToCaller ? who.uid() : ProcessIds.UID;
        int gid = requested.gid() != null ? requested.gid()
                : setgidDir ? d.stat.gid() : chownToCaller ? who.gid() : ProcessIds.GID;
        int mode = type == FileType.SYMLINK ? 0777
                : requested.mode() != null ? requested.mode() & 07777 : type == FileType.DIRECTORY ? 0755 : 0644;
        if (type == FileType.DIRECTORY && setgidDir) {
            mode |= 02000;
        }
        TimeSpec atime = resolved(requested.atime(), nowNanos);
        TimeSpec mtime = resolved(requested.mtime(), nowNanos);
        return new SetAttr(mode, uid, gid, requested.size(), atime, mtime);
    }

    private static TimeSpec resolved(TimeSpec t, long nowNanos) {
        return t == null || t.serverTime() ? TimeSpec.at(nowNanos) : t;
    }

    /**
     * Makes {@code name} in {@code dir} with FileId {@code id} and exactly {@code attrs} (from
     * {@link #initialAttrs}): how the journal and replicas create objects, so that every copy of
     * the tree gives an object the same identity. {@code verifier}: an exclusive create's (or
     * null). Not made durable here: the journal is.
     */
    public void createWithId(long dir, String name, FileType type, long id, SetAttr attrs, String symlinkTarget,
                             byte[] verifier) throws FsException {
        Maker maker = switch (type) {
            case REGULAR -> p -> {
                Files.createFile(p);
                if (verifier != null) {
                    Xattrs.write(p, Xattrs.CREATE_VERIFIER, verifier);
                }
            };
            case DIRECTORY -> Files::createDirectory;
            case SYMLINK -> p -> Files.createSymbolicLink(p, p.getFileSystem().getPath(symlinkTarget));
            case FIFO -> LocalFileSystem::mkfifo;
            case SOCKET -> p -> bindSocket(p, attrs.mode() != null ? attrs.mode() : 0644);
            default -> throw new BadTypeException("cannot create objects of type " + type);
        };
        allocator.observe(id);
        make(Identity.ROOT, dir, name, type, type == FileType.SYMLINK ? attrs.withoutMode() : attrs, maker, id);
    }

    /** The journal's applied-records stamp of directory {@code dir} (its bytes), or null. */
    public byte[] appliedStamp(long dir) throws FsException {
        Node d = dirNode(dir);
        try {
            return Xattrs.read(d.path, Xattrs.APPLIED_SEQ);
        } catch (IOException e) {
            throw IoErrors.map(e, "read the applied stamp of " + d.path);
        }
    }

    /**
     * After a journal record changed directory {@code dir}'s entries: gives it mtime
     * {@code mtimeNanos} (null: leaves it) and then stores {@code stamp} (which records it has seen applied). The
     * change, the time and the stamp reach the disk in that order (metadata of one file system).
     */
    public void finishDirectory(long dir, byte[] stamp, Long mtimeNanos) throws FsException {
        Node d = dirNode(dir);
        Lock lock = dirLocks.get(dir);
        lock.lock();
        try {
            LocalStat before = LocalStat.of(d.path);
            if (mtimeNanos != null) {
                apply(d.path, FileType.DIRECTORY, new SetAttr(null, null, null, null, null, TimeSpec.at(mtimeNanos)));
            }
            Xattrs.write(d.path, Xattrs.APPLIED_SEQ, stamp);
            listings.retimed(dir, before, LocalStat.of(d.path)); // its times moved, not its entries
        } catch (IOException e) {
            throw IoErrors.map(e, "finish the change of " + d.path);
        } finally {
            lock.unlock();
        }
    }

    /** Sets an object's times (null: unchanged), keeping a directory's cached listing. */
    public void setTimes(long id, Long atimeNanos, Long mtimeNanos) throws FsException {
        Node n = node(id);
        SetAttr times = new SetAttr(null, null, null, null, atimeNanos == null ? null : TimeSpec.at(atimeNanos),
                mtimeNanos == null ? null : TimeSpec.at(mtimeNanos));
        boolean dir = n.stat.type() == FileType.DIRECTORY;
        Lock lock = dir ? dirLocks.get(id) : null;
        if (lock != null) {
            lock.lock();
        }
        try {
            LocalStat before = dir ? LocalStat.of(n.path) : null;
            apply(n.path, n.stat.type(), times);
            if (dir) {
                listings.retimed(id, before, LocalStat.of(n.path));
            }
        } catch (IOException e) {
            throw IoErrors.map(e, "set times of " + n.path);
        } finally {
            if (lock != null) {
                lock.unlock();
            }
        }
    }

    /** The verifier an exclusive create left with a regular file (until its first SETATTR), or null. */
    public byte[] createVerifier(long id) throws FsException {
        Node n = node(id);
        if (n.stat.type() != FileType.REGULAR) {
            return null;
        }
        try {
            return Xattrs.read(n.path, Xattrs.CREATE_VERIFIER);
        } catch (IOException e) {
            throw IoErrors.map(e, "read create verifier of " + n.path);
        }
    }

    // ---------------------------------------------------------------- resolution

    private Node node(long id) throws FsException {
        if (index == null) { // closed: a backup's copy being replaced, say
            throw new StaleException("the tree " + root + " is closed");
        }
        if (id == rootId) {
            return new Node(id, root, statOrStale(root, id));
        }
        Seen seen = recentlySeen.getIfPresent(id);
        if (seen != null) {
            try {
                LocalStat st = LocalStat.of(seen.path);
                if (st.ino() == seen.ino && st.ctimeNanos() == seen.ctimeNanos) {
                    return new Node(id, seen.path, st); // unchanged since verified: same inode, same ctime
                }
            } catch (IOException e) {
                // gone or moved: resolve through the index
            }
        }
        Path p = pathFromIndex(id);
        if (p != null) {
            Node n = verified(id, p);
            if (n != null) {
                recentlySeen.put(id, new Seen(p, n.stat.ino(), n.stat.ctimeNanos()));
                return n;
            }
        }
        // not indexed (after an unclean stop), or moved or copied outside the server
        Blocking.mayBlock("search for FileId " + Long.toHexString(id));
        return search(id, p != null);
    }

    /** The path the index gives for {@code id}, or null if it knows none. */
    private Path pathFromIndex(long id) {
        List<String> names = new ArrayList<>();
        long cur = id;
        for (int depth = 0; cur != rootId; depth++) {
            IdentityIndex.Entry e = index.entry(cur);
            if (e == null || e.links().isEmpty() || depth > MAX_DEPTH) {
                return null;
            }
            IdentityIndex.Link l = e.links().get(0);
            names.add(l.name());
            cur = l.parent();
        }
        Path p = root;
        for (int i = names.size() - 1; i >= 0; i--) {
            p = p.resolve(names.get(i));
        }
        return p;
    }

    /** The node at {@code p} if it is the object {@code id} (its FileId and inode), else null. */
    private Node verified(long id, Path p) {
        try {
            LocalStat st = LocalStat.of(p);
            IdentityIndex.Entry e = index.entry(id);
            boolean same = storedId(p, st) == id && (e == null || e.ino() == st.ino());
            return same ? new Node(id, p, st) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private LocalStat statOrStale(Path p, long id) throws FsException {
        try {
            return LocalStat.of(p);
        } catch (IOException e) {
            throw new StaleException("object " + Long.toHexString(id) + " at " + p + " is gone");
        }
    }

    /** The FileId stored with the object, or 0 if it has none. */
    private long storedId(Path p, LocalStat st) throws IOException {
        if (st.type().carriesXattrs()) {
            return Xattrs.readLong(p, Xattrs.FILE_ID);
        }
        Long id = index.special(st.ino());
        return id == null ? 0 : id;
    }

    /**
     * Walks the tree looking for {@code id}, teaching the index every object it passes. Only when
     * the index may be incomplete (after an unclean stop) or its hint for {@code id} was wrong
     * (the object was moved, copied or removed outside the server), and at most once per id in 10 s.
     */
    private synchronized Node search(long id, boolean hintWasWrong) throws FsException {
        Path hinted = pathFromIndex(id);
        if (hinted != null) {
            Node n = verified(id, hinted);
            if (n != null) {
                return n;
            }
        }
        boolean worthAWalk = (!indexComplete || hintWasWrong) && searchedInVain.getIfPresent(id) == null;
        if (!worthAWalk) {
            throw new StaleException("no object with FileId " + Long.toHexString(id) + " in " + root);
        }
        LOG.warn("export {}: FileId {} not in the identity index, walking the tree", root, Long.toHexString(id));
        treeWalks.incrementAndGet();
        long seen = 0;
        List<Node> queue = new ArrayList<>();
        queue.add(node(rootId));
        Node found = null;
        for (int i = 0; i < queue.size(); i++) {
            Node dir = queue.get(i);
            queue.set(i, null);
            try (var ds = Files.newDirectoryStream(dir.path)) {
                for (Path p : ds) {
                    String name = p.getFileName().toString();
                    try {
                        LocalStat st = LocalStat.of(p);
                        long cid = known(dir.id, p, name, st);
                        if (cid == 0) {
                            continue; // no FileId of its own: adopted when it is looked up, not by a search
                        }
                        seen++;
                        if (cid == id) {
                            found = new Node(cid, p, st);
                        }
                        if (st.type() == FileType.DIRECTORY) {
                            queue.add(new Node(cid, p, st));
                        }
                    } catch (IOException e) {
                        LOG.debug("search: skipping {}: {}", p, e.toString());
                    }
                }
            } catch (IOException e) {
                LOG.warn("search: cannot list {}: {}", dir.path, e.toString());
            }
        }
        indexComplete = true;
        index.commit();
        LOG.info("export {}: indexed {} objects", root, seen);
        if (found == null) {
            searchedInVain.put(id, Boolean.TRUE);
            throw new StaleException("no object with FileId " + Long.toHexString(id) + " in " + root);
        }
        recentlySeen.put(id, new Seen(found.path, found.stat.ino(), found.stat.ctimeNanos()));
        return found;
    }

    /**
     * The FileId of the object {@code name} in directory {@code parent}, adopting it with a fresh
     * FileId if it has none or carries the FileId of another live object (a copy).
     */
    private long identify(long parent, Path p, String name, LocalStat st) throws IOException, FsException {
        long id = known(parent, p, name, st);
        if (id != 0) {
            return id; // maybe moved outside the server, or another hard link: taught to the index
        }
        if (p.equals(root)) {
            return rootId;
        }
        // no FileId, or another inode's (a copy: cp -a, rsync -X, or a replacement): a new object
        return adopt(parent, p, name);
    }

    private long adopt(long parent, Path p, String name) throws IOException, FsException {
        Blocking.mayBlock("adoption of " + p);
        Adopter a = adopter;
        // an adopter records the adoption, which completes directory stamps under their own monitors,
        // which then take the directory's lock: so it must not be held here (adoptions take their own)
        Lock lock = a != null ? adoptionLocks.get(parent) : dirLocks.get(parent);
        lock.lock();
        try {
            LocalStat st;
            // under the directory's lock: a create in progress holds it until its object carries its FileId
            Lock dirLock = dirLocks.get(parent);
            dirLock.lock();
            try {
                st = LocalStat.of(p);
                long current = storedId(p, st);
                if (current != 0 && current != rootId) {
                    IdentityIndex.Entry e = index.entry(current);
                    if (e != null && e.ino() == st.ino() && e.links().contains(new IdentityIndex.Link(parent, name))) {
                        return current; // made by the server, or adopted by another thread, meanwhile
                    }
                }
            } finally {
                dirLock.unlock();
            }
            long id = allocator.next();
            if (a != null) {
                a.adopt(parent, name, id, p, st.toAttr(id)); // recorded first; claims it
            } else {
                assignId(p, st, id);
                index.addLink(id, st.ino(), parent, name);
            }
            LOG.debug("adopted {} as {}", p, Long.toHexString(id));
            return id;
        } finally {
            lock.unlock();
        }
    }

    /** Stores a new FileId with the object: in its xattr, or (symlinks, FIFOs, sockets) durably in the index. */
    private void assignId(Path p, LocalStat st, long id) throws IOException {
        if (st.type().carriesXattrs()) {
            Xattrs.writeLong(p, Xattrs.FILE_ID, id);
        } else {
            index.setSpecial(st.ino(), id);
            index.sync();
        }
    }

    private Node dirNode(long dir) throws FsException {
        Node n = node(dir);
        if (n.stat.type() != FileType.DIRECTORY) {
            throw new NotDirException(n.path + " is not a directory");
        }
        return n;
    }

    private Node child(Node dir, String name) throws FsException {
        Path p = dir.path.resolve(name);
        try {
            LocalStat st = LocalStat.of(p);
            return new Node(identify(dir.id, p, name, st), p, st);
        } catch (NoSuchFileException e) {
            throw new NoEntException(name + " not found in " + dir.path);
        } catch (IOException e) {
            throw IoErrors.map(e, "lookup " + p);
        }
    }

    // ---------------------------------------------------------------- reading

    @Override
    public Attr getattr(long id) throws FsException {
        Node n = node(id);
        return n.stat.toAttr(id);
    }

    @Override
    public long lookup(Identity who, long dir, String name) throws FsException {
        Node d = dirNode(dir);
        if (name.equals(".")) {
            return dir;
        }
        if (name.equals("..")) {
            if (dir == rootId) {
                return rootId;
            }
            Path parent = d.path.getParent();
            try {
                LocalStat st = LocalStat.of(parent);
                long pid = storedId(parent, st);
                if (pid == 0) {
                    throw new StaleException("parent of " + d.path + " has no FileId");
                }
                return pid;
            } catch (IOException e) {
                throw IoErrors.map(e, "lookup .. of " + d.path);
            }
        }
        return child(d, name).id;
    }

    @Override
    public int access(Identity who, long id, int mask) throws FsException {
        node(id);
        return mask;
    }

    @Override
    public String readlink(Identity who, long id) throws FsException {
        Node n = node(id);
        if (n.stat.type() != FileType.SYMLINK) {
            throw new InvalException(n.path + " is not a symbolic link");
        }
        try {
            return Files.readSymbolicLink(n.path).toString();
        } catch (IOException e) {
            throw IoErrors.map(e, "readlink " + n.path);
        }
    }

    @Override
    public ReadResult read(Identity who, long id, long offset, int count) throws FsException {
        Node n = regular(id);
        ByteBuffer buf = ByteBuffer.allocate(count);
        try (FileChannel ch = FileChannel.open(n.path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long pos = offset;
            while (buf.hasRemaining()) {
                int r = ch.read(buf, pos);
                if (r < 0) {
                    break;
                }
                pos += r;
            }
            boolean eof = pos >= ch.size();
            buf.flip();
            return new ReadResult(buf, eof);
        } catch (IOException e) {
            throw IoErrors.map(e, "read " + n.path);
        }
    }

    private Node regular(long id) throws FsException {
        Node n = node(id);
        if (n.stat.type() == FileType.DIRECTORY) {
            throw new IsDirException(n.path + " is a directory");
        }
        if (n.stat.type() != FileType.REGULAR) {
            throw new InvalException(n.path + " is not a regular file");
        }
        return n;
    }

    @Override
    public DirPage readdir(Identity who, long dir, long cookie, int maxEntries, boolean withAttrs)
            throws FsException {
        Node d = dirNode(dir);
        List<DirEntry> out = new ArrayList<>();
        if (cookie < DirectoryListings.DOT && out.size() < maxEntries) {
            out.add(new DirEntry(".", dir, DirectoryListings.DOT, withAttrs ? d.stat.toAttr(dir) : null));
        }
        if (cookie < DirectoryListings.DOTDOT && out.size() < maxEntries) {
            long pid = lookup(who, dir, "..");
            out.add(new DirEntry("..", pid, DirectoryListings.DOTDOT, withAttrs ? getattr(pid) : null));
        }
        try {
            var entries = listings.entries(dir, d.path, d.stat).tailMap(cookie, false);
            for (Map.Entry<Long, String> e : entries.entrySet()) {
                if (out.size() >= maxEntries) {
                    return new DirPage(out, false);
                }
                Path p = d.path.resolve(e.getValue());
                LocalStat st;
                try {
                    st = LocalStat.of(p);
                } catch (NoSuchFileException gone) {
                    continue; // removed outside the server since the listing was read
                }
                long id = identify(dir, p, e.getValue(), st);
                out.add(new DirEntry(e.getValue(), id, e.getKey(), withAttrs ? st.toAttr(id) : null));
            }
            return new DirPage(out, true);
        } catch (IOException e) {
            throw IoErrors.map(e, "readdir " + d.path);
        }
    }

    @Override
    public FsStat fsstat(long id) throws FsException {
        node(id);
        long now = System.nanoTime();
        FsStat s = cachedStat;
        if (s != null && now - cachedStatAt < TimeUnit.SECONDS.toNanos(2)) {
            return s;
        }
        try {
            var store = Files.getFileStore(root);
            long[] files = FileCounts.of(root);
            s = new FsStat(store.getTotalSpace(), store.getUnallocatedSpace(), store.getUsableSpace(), files[0],
                    files[1], files[1]);
            cachedStat = s;
            cachedStatAt = now;
            return s;
        } catch (IOException e) {
            throw IoErrors.map(e, "fsstat " + root);
        }
    }

    // ---------------------------------------------------------------- writing data

    @Override
    public WriteResult write(Identity who, long id, long offset, ByteBuffer data, Stability stability)
            throws FsException {
        return write(id, offset, data, stability, null);
    }

    /**
     * A recorded WRITE applied: the data at {@code offset}, not synced, and the file's mtime set to
     * the record's; the object is resolved once for both.
     */
    public void write(long id, long offset, ByteBuffer data, long mtimeNanos) throws FsException {
        write(id, offset, data, Stability.UNSTABLE, mtimeNanos);
    }

    private WriteResult write(long id, long offset, ByteBuffer data, Stability stability, Long mtimeNanos)
            throws FsException {
        Node n = regular(id);
        ReadWriteLock rw = fileLocks.get(id);
        rw.readLock().lock();
        int count = data.remaining();
        try (FileChannel ch = FileChannel.open(n.path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            long pos = offset;
            while (data.hasRemaining()) {
                pos += ch.write(data, pos);
            }
            if (stability == Stability.FILE_SYNC) {
                ch.force(true);
            } else if (stability == Stability.DATA_SYNC) {
                ch.force(false);
            }
            if (mtimeNanos != null) {
                apply(n.path, FileType.REGULAR, new SetAttr(null, null, null, null, null, TimeSpec.at(mtimeNanos)));
            }
            return new WriteResult(count, stability);
        } catch (IOException e) {
            throw IoErrors.map(e, "write " + n.path);
        } finally {
            rw.readLock().unlock();
        }
    }

    @Override
    public void commit(Identity who, long id) throws FsException {
        Node n = node(id);
        if (n.stat.type() != FileType.REGULAR) {
            return;
        }
        ReadWriteLock rw = fileLocks.get(id);
        rw.writeLock().lock();
        try (FileChannel ch = FileChannel.open(n.path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ch.force(true); // fsync(2) flushes the inode's dirty pages, whichever descriptor wrote them
        } catch (IOException e) {
            throw IoErrors.map(e, "commit " + n.path);
        } finally {
            rw.writeLock().unlock();
        }
    }

    @Override
    public Attr setattr(Identity who, long id, SetAttr changes, Long guardCtimeNanos) throws FsException {
        Node n = node(id);
        if (guardCtimeNanos != null && guardCtimeNanos != n.stat.ctimeNanos()) {
            throw new NotSyncException("ctime of " + n.path + " changed since the client read it");
        }
        try {
            apply(n.path, n.stat.type(), changes);
            if (n.stat.type() == FileType.REGULAR) {
                Xattrs.remove(n.path, Xattrs.CREATE_VERIFIER);
            }
            if (syncMetadata && n.stat.type().carriesXattrs()) {
                Durable.syncObject(n.path); // SETATTR is acknowledged as stable, like every metadata change
            }
            return LocalStat.of(n.path).toAttr(id);
        } catch (IOException e) {
            throw IoErrors.map(e, "setattr " + n.path);
        }
    }

    private void apply(Path p, FileType type, SetAttr c) throws IOException, FsException {
        if (c.size() != null) {
            if (type == FileType.DIRECTORY) {
                throw new IsDirException(p + " is a directory");
            }
            if (type != FileType.REGULAR) {
                throw new InvalException(p + " is not a regular file");
            }
            if (c.size() < 0) {
                throw new InvalException("negative size");
            }
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                if (c.size() < ch.size()) {
                    ch.truncate(c.size());
                } else if (c.size() > ch.size()) {
                    ch.write(ByteBuffer.allocate(1), c.size() - 1); // extend with a hole, as ftruncate does
                }
            }
        }
        if (c.uid() != null || c.gid() != null) {
            if (c.uid() != null) {
                Files.setAttribute(p, "unix:uid", c.uid(), LinkOption.NOFOLLOW_LINKS);
            }
            if (c.gid() != null) {
                Files.setAttribute(p, "unix:gid", c.gid(), LinkOption.NOFOLLOW_LINKS);
            }
        }
        if (c.mode() == null && c.atime() == null && c.mtime() == null) {
            return;
        }
        if (c.mode() != null && type == FileType.SOCKET) {
            throw new NotSuppException("changing the mode of socket " + p + " is not supported");
        }
        // java.nio changes mode and times through an fd it opens with O_NOFOLLOW (so a symlink
        // swapped in is never followed); opening a FIFO blocks until a writer exists, so hold one.
        FileChannel fifoWriter = type == FileType.FIFO
                ? FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)
                : null;
        try {
            if (c.mode() != null && type != FileType.SYMLINK) {
                Files.setAttribute(p, "unix:mode", c.mode() & 07777, LinkOption.NOFOLLOW_LINKS);
            }
            if (c.atime() != null || c.mtime() != null) {
                FileTime now = FileTime.from(clock.instant());
                BasicFileAttributeView v = Files.getFileAttributeView(p, BasicFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS);
                v.setTimes(time(c.mtime(), now), time(c.atime(), now), null);
            }
        } finally {
            if (fifoWriter != null) {
                fifoWriter.close();
            }
        }
    }

    private static FileTime time(TimeSpec t, FileTime now) {
        if (t == null) {
            return null;
        }
        return t.serverTime() ? now : LocalStat.fileTime(t.nanos());
    }

    // ---------------------------------------------------------------- namespace

    @Override
    public long create(Identity who, long dir, String name, CreateMode mode, SetAttr attrs, byte[] verifier)
            throws FsException {
        Node d = dirNode(dir);
        Lock lock = dirLocks.get(dir);
        long created;
        lock.lock();
        try {
            Path p = d.path.resolve(name);
            LocalStat existing = statIfExists(p);
            if (existing != null) {
                return createExisting(who, d, p, name, existing, mode, attrs, verifier);
            }
            created = 0;
            try {
                Files.createFile(p);
            } catch (IOException e) {
                throw IoErrors.map(e, "create " + p);
            }
            SetAttr initial = mode == CreateMode.EXCLUSIVE ? SetAttr.mode(0) : attrs;
            created = created(who, d, p, name, FileType.REGULAR, initial, 0);
            if (mode == CreateMode.EXCLUSIVE) {
                Xattrs.write(p, Xattrs.CREATE_VERIFIER, verifier);
            }
            finish(d, name);
        } catch (IOException e) {
            throw IoErrors.map(e, "create " + name + " in " + d.path);
        } finally {
            lock.unlock();
        }
        durable(d);
        return created;
    }

    private long createExisting(Identity who, Node d, Path p, String name, LocalStat st, CreateMode mode,
                                SetAttr attrs, byte[] verifier) throws IOException, FsException {
        long id = identify(d.id, p, name, st);
        switch (mode) {
            case GUARDED -> throw new ExistException(p + " exists");
            case EXCLUSIVE -> {
                byte[] stored = st.type() == FileType.REGULAR ? Xattrs.read(p, Xattrs.CREATE_VERIFIER) : null;
                if (stored != null && Arrays.equals(stored, verifier)) {
                    return id; // a retransmission of the create that made it
                }
                throw new ExistException(p + " exists");
            }
            default -> {
                if (st.type() != FileType.REGULAR) {
                    throw new ExistException(p + " exists and is not a regular file");
                }
                // UNCHECKED on an existing file: only the size (truncation) is applied, as knfsd does
                if (attrs.size() != null) {
                    apply(p, FileType.REGULAR, new SetAttr(null, null, null, attrs.size(), null, null));
                    if (syncMetadata) {
                        Durable.syncObject(p); // the truncation is acknowledged as stable
                    }
                }
                return id;
            }
        }
    }

    @Override
    public long mkdir(Identity who, long dir, String name, SetAttr attrs) throws FsException {
        return make(who, dir, name, FileType.DIRECTORY, attrs, p -> Files.createDirectory(p));
    }

    @Override
    public long symlink(Identity who, long dir, String name, String target, SetAttr attrs) throws FsException {
        if (target.isEmpty() || target.indexOf('\0') >= 0) {
            throw new InvalException("symlink target is empty or contains NUL");
        }
        return make(who, dir, name, FileType.SYMLINK, attrs.withoutMode(),
                p -> Files.createSymbolicLink(p, p.getFileSystem().getPath(target)));
    }

    @Override
    public long mknod(Identity who, long dir, String name, FileType type, SetAttr attrs) throws FsException {
        return switch (type) {
            case FIFO -> make(who, dir, name, type, attrs, LocalFileSystem::mkfifo);
            case SOCKET -> make(who, dir, name, type, attrs,
                    p -> bindSocket(p, attrs.mode() != null ? attrs.mode() : 0644));
            default -> throw new BadTypeException("cannot create objects of type " + type);
        };
    }

    private interface Maker {
        void make(Path p) throws IOException;
    }

    private long make(Identity who, long dir, String name, FileType type, SetAttr attrs, Maker maker)
            throws FsException {
        return make(who, dir, name, type, attrs, maker, 0);
    }

    private long make(Identity who, long dir, String name, FileType type, SetAttr attrs, Maker maker, long givenId)
            throws FsException {
        Node d = dirNode(dir);
        Lock lock = dirLocks.get(dir);
        long id;
        lock.lock();
        try {
            Path p = d.path.resolve(name);
            try {
                maker.make(p);
            } catch (IOException e) {
                throw IoErrors.map(e, "create " + type.name().toLowerCase() + " " + p);
            }
            id = created(who, d, p, name, type, attrs, givenId);
            finish(d, name);
        } catch (IOException e) {
            throw IoErrors.map(e, "create " + name + " in " + d.path);
        } finally {
            lock.unlock();
        }
        durable(d);
        return id;
    }

    /**
     * Gives a just-made object a new FileId, its owner, mode and attributes. Owner and mode are
     * changed only where they differ from what the object was made with (a root caller's file,
     * made with the default mode, needs neither), and the object is remembered as seen, so that
     * the reply's attributes cost one stat.
     */
    private long created(Identity who, Node d, Path p, String name, FileType type, SetAttr attrs, long givenId)
            throws IOException, FsException {
        LocalStat made = LocalStat.of(p);
        long id = givenId != 0 ? givenId : allocator.next();
        index.addLink(id, made.ino(), d.id, name);
        assignId(p, made, id);
        Integer uid = attrs.uid();
        Integer gid = attrs.gid();
        if (chownToCaller) {
            boolean setgidDir = (d.stat.mode() & 02000) != 0;
            uid = uid != null ? uid : who.uid();
            gid = gid != null ? gid : setgidDir ? d.stat.gid() : who.gid();
        }
        int defaultMode = type == FileType.DIRECTORY ? 0755 : 0644;
        int mode = attrs.mode() != null ? attrs.mode() : defaultMode;
        if (type == FileType.DIRECTORY && (d.stat.mode() & 02000) != 0) {
            mode |= 02000; // directories inherit setgid, as on Linux
        }
        // symlinks have no mode of their own; a socket got its mode when it was made (bindSocket)
        boolean modeless = type == FileType.SYMLINK || type == FileType.SOCKET;
        // the owner first: chown clears setuid/setgid bits that the mode may ask for
        SetAttr owner = new SetAttr(null, uid != null && uid != made.uid() ? uid : null,
                gid != null && gid != made.gid() ? gid : null, null, null, null);
        SetAttr rest = new SetAttr(modeless || (mode & 07777) == made.mode() ? null : mode, null, null, attrs.size(),
                attrs.atime(), attrs.mtime());
        apply(p, type, owner);
        apply(p, type, rest);
        LocalStat st = LocalStat.of(p);
        recentlySeen.put(id, new Seen(p, st.ino(), st.ctimeNanos()));
        return id;
    }

    /** After an entry was added, under the directory's lock: keeps the cached listing current. */
    private void finish(Node d, String added) throws IOException {
        listings.added(d.id, added, d.stat, LocalStat.of(d.path));
    }

    private void finishRemoved(Node d, String removed) throws IOException {
        listings.removed(d.id, removed, d.stat, LocalStat.of(d.path));
    }

    /**
     * Makes the changes to a directory durable before the change is acknowledged (NFS requires
     * metadata changes to be stable at reply time). Called after the directory's lock is released,
     * so that concurrent changes share an fsync.
     */
    private void durable(Node d) throws FsException {
        if (!syncMetadata) {
            return;
        }
        try {
            dirSync.sync(d.id, d.path);
        } catch (IOException e) {
            throw IoErrors.map(e, "fsync of directory " + d.path);
        }
    }

    @Override
    public void remove(Identity who, long dir, String name) throws FsException {
        unlink(dir, name, false);
    }

    @Override
    public void rmdir(Identity who, long dir, String name) throws FsException {
        unlink(dir, name, true);
    }

    private void unlink(long dir, String name, boolean directory) throws FsException {
        Node d = dirNode(dir);
        Lock lock = dirLocks.get(dir);
        lock.lock();
        try {
            Node c = child(d, name);
            boolean isDir = c.stat.type() == FileType.DIRECTORY;
            if (directory && !isDir) {
                throw new NotDirException(c.path + " is not a directory");
            }
            if (!directory && isDir) {
                throw new IsDirException(c.path + " is a directory");
            }
            try {
                Files.delete(c.path);
            } catch (IOException e) {
                throw IoErrors.map(e, (directory ? "rmdir " : "remove ") + c.path);
            }
            dropLink(c, dir, name);
            if (isDir) {
                listings.forget(c.id);
            }
            finishRemoved(d, name);
        } catch (IOException e) {
            throw IoErrors.map(e, "remove " + name + " in " + d.path);
        } finally {
            lock.unlock();
        }
        durable(d);
    }

    /** The index's view after the name (dir, name) of object {@code c} went away. */
    private void dropLink(Node c, long dir, String name) {
        recentlySeen.invalidate(c.id);
        if (c.stat.nlink() <= 1 || c.stat.type() == FileType.DIRECTORY) {
            index.forget(c.id);
            if (!c.stat.type().carriesXattrs()) {
                index.forgetSpecial(c.stat.ino());
            }
        } else {
            index.removeLink(c.id, dir, name);
        }
    }

    @Override
    public void rename(Identity who, long fromDir, String fromName, long toDir, String toName) throws FsException {
        Node from = dirNode(fromDir);
        Node to = dirNode(toDir);
        List<Lock> locks = new ArrayList<>();
        for (Lock l : dirLocks.bulkGet(List.of(fromDir, toDir))) {
            if (!locks.contains(l)) {
                locks.add(l);
            }
        }
        locks.forEach(Lock::lock);
        try {
            Node src = child(from, fromName);
            Path target = to.path.resolve(toName);
            LocalStat targetStat = statIfExists(target);
            Node replaced = null;
            if (targetStat != null) {
                replaced = new Node(identify(toDir, target, toName, targetStat), target, targetStat);
                if (replaced.id == src.id) {
                    return; // two names of one object: rename(2) does nothing (finally unlocks)
                }
            }
            try {
                Files.move(src.path, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw IoErrors.map(e, "rename " + src.path + " to " + target);
            }
            if (replaced != null) {
                dropLink(replaced, toDir, toName);
                if (replaced.stat.type() == FileType.DIRECTORY) {
                    listings.forget(replaced.id);
                }
            }
            index.removeLink(src.id, fromDir, fromName);
            index.addLink(src.id, src.stat.ino(), toDir, toName);
            finishRemoved(from, fromName);
            finish(to, toName);
        } catch (IOException e) {
            throw IoErrors.map(e, "rename " + fromName + " to " + toName);
        } finally {
            locks.forEach(Lock::unlock);
        }
        durable(from);
        if (toDir != fromDir) {
            durable(to);
        }
    }

    @Override
    public void link(Identity who, long id, long dir, String name) throws FsException {
        Node target = node(id);
        if (target.stat.type() == FileType.DIRECTORY) {
            throw new IsDirException("cannot hard-link directory " + target.path);
        }
        Node d = dirNode(dir);
        Lock lock = dirLocks.get(dir);
        lock.lock();
        try {
            Path p = d.path.resolve(name);
            try {
                Files.createLink(p, target.path);
            } catch (IOException e) {
                throw IoErrors.map(e, "link " + p + " to " + target.path);
            }
            index.addLink(id, target.stat.ino(), dir, name);
            finish(d, name);
        } catch (IOException e) {
            throw IoErrors.map(e, "link " + name + " in " + d.path);
        } finally {
            lock.unlock();
        }
        durable(d);
    }

    private static LocalStat statIfExists(Path p) throws FsException {
        try {
            return LocalStat.of(p);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw IoErrors.map(e, "stat " + p);
        }
    }

    private static void mkfifo(Path p) throws IOException {
        Process proc = new ProcessBuilder("mkfifo", "-m", "0600", "--", p.toString())
                .redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes());
        try {
            if (proc.waitFor() != 0) {
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new java.nio.file.FileAlreadyExistsException(p.toString());
                }
                throw new IOException("mkfifo " + p + " failed: " + out.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted making FIFO " + p, e);
        }
    }

    /**
     * Makes a socket file with the given mode. A socket cannot be opened, so its mode can only be
     * set by path, which would follow a symlink swapped in for it; it is therefore bound and given
     * its mode in a private directory (0700, ours) beside its final place, then hard-linked there
     * (link(2) never replaces an existing name) and the private directory removed.
     */
    private static void bindSocket(Path p, int mode) throws IOException {
        Path tmpDir = p.resolveSibling(".nfsrepl-mknod-" + Long.toHexString(new SecureRandom().nextLong()));
        Files.createDirectory(tmpDir);
        try {
            Files.setAttribute(tmpDir, "unix:mode", 0700, LinkOption.NOFOLLOW_LINKS);
            Path sock = tmpDir.resolve("socket");
            try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.bind(UnixDomainSocketAddress.of(sock));
            }
            Files.setAttribute(sock, "unix:mode", mode & 07777);
            Files.createLink(p, sock);
            Files.delete(sock);
        } finally {
            try (var left = Files.list(tmpDir)) {
                for (Path x : (Iterable<Path>) left::iterator) {
                    Files.delete(x);
                }
            }
            Files.delete(tmpDir);
        }
    }

    private static boolean isRoot() {
        return ProcessIds.UID == 0;
    }

    @Override
    public void close() {
        if (index != null) {
            index.close();
            index = null;
        }
    }
}
