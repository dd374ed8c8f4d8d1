package dev.nfsrepl.fs;

import dev.nfsrepl.fs.error.FsException;
import java.io.Closeable;
import java.nio.ByteBuffer;

/**
 * One exported tree, addressed by stable 64-bit FileIds. This interface speaks Java types
 * only; the NFS protocol layer translates wire types to and from it. Features (permission
 * checks, recording for replication) are decorators over {@link ForwardingFileSystem}.
 *
 * <p>Names passed in have been checked by the caller to be single path components: not empty,
 * not {@code "."} or {@code ".."} (except for {@link #lookup}), without {@code '/'} or NUL.
 *
 * <p>Implementations are thread-safe.
 */
public interface FileSystem extends Closeable {

    /** The FileId of the export's root directory. */
    long rootId();

    /**
     * A number that changes if the export's identity store is ever recreated, so that handles
     * minted before are refused as stale instead of naming other objects.
     */
    int generation();

    Attr getattr(long id) throws FsException;

    /** Resolves one name; {@code "."} is the directory itself, {@code ".."} its parent (the root's parent is the root). */
    long lookup(Identity who, long dir, String name) throws FsException;

    /** Which of the {@link Access} bits in {@code mask} the caller has. */
    int access(Identity who, long id, int mask) throws FsException;

    /**
     * Applies {@code changes}; when {@code guardCtimeNanos} is not null the change is made only
     * if the object's ctime equals it (NFS3ERR_NOT_SYNC otherwise).
     */
    Attr setattr(Identity who, long id, SetAttr changes, Long guardCtimeNanos) throws FsException;

    String readlink(Identity who, long id) throws FsException;

    ReadResult read(Identity who, long id, long offset, int count) throws FsException;

    WriteResult write(Identity who, long id, long offset, ByteBuffer data, Stability stability) throws FsException;

    /** Makes every byte written to the file so far durable, waiting for writes in progress. */
    void commit(Identity who, long id) throws FsException;

    /**
     * Creates a regular file. For {@link CreateMode#EXCLUSIVE}, {@code verifier} (8 bytes) is kept
     * with the file until its first SETATTR so that a retransmitted create succeeds.
     */
    long create(Identity who, long dir, String name, CreateMode mode, SetAttr attrs, byte[] verifier)
            throws FsException;

    long mkdir(Identity who, long dir, String name, SetAttr attrs) throws FsException;

    long symlink(Identity who, long dir, String name, String target, SetAttr attrs) throws FsException;

    /** Creates a FIFO or a socket; other types are refused with NFS3ERR_BADTYPE. */
    long mknod(Identity who, long dir, String name, FileType type, SetAttr attrs) throws FsException;

    /** Removes a non-directory entry. */
    void remove(Identity who, long dir, String name) throws FsException;

    void rmdir(Identity who, long dir, String name) throws FsException;

    /** Atomically renames, replacing an existing target as rename(2) does. */
    void rename(Identity who, long fromDir, String fromName, long toDir, String toName) throws FsException;

    void link(Identity who, long id, long dir, String name) throws FsException;

    /**
     * Entries after {@code cookie} (0 = from the start), in a stable order. Cookies name positions
     * by entry, not by index, so they stay valid while other entries are added or removed.
     * {@code "."} and {@code ".."} are included.
     */
    DirPage readdir(Identity who, long dir, long cookie, int maxEntries, boolean withAttrs) throws FsException;

    FsStat fsstat(long id) throws FsException;
}
