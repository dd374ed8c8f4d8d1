package dev.nfsrepl.nfs;

import dev.nfsrepl.fs.error.BadHandleException;
import java.nio.ByteBuffer;

/**
 * An NFS file handle as nfsrepl mints it. Handles name objects by FileId, never by inode, so
 * they survive restarts and failovers to replicas whose local inodes differ.
 *
 * <pre>
 *   handle := magic(4 bytes, "NFR1") fsid(uint32) generation(uint32) fileId(uint64)   ; 20 bytes, big-endian
 * </pre>
 */
public record FileHandle(int fsid, int generation, long fileId) {

    public static final int SIZE = 20;
    private static final int MAGIC = 0x4e465231;

    public byte[] toBytes() {
        return ByteBuffer.allocate(SIZE).putInt(MAGIC).putInt(fsid).putInt(generation).putLong(fileId).array();
    }

    /** Parses a handle; anything not minted by nfsrepl is NFS3ERR_BADHANDLE. */
    public static FileHandle parse(byte[] b) throws BadHandleException {
        if (b == null || b.length != SIZE) {
            throw new BadHandleException("file handle of " + (b == null ? 0 : b.length) + " bytes, want " + SIZE);
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        if (buf.getInt() != MAGIC) {
            throw new BadHandleException("file handle not minted by nfsrepl");
        }
        return new FileHandle(buf.getInt(), buf.getInt(), buf.getLong());
    }
}
