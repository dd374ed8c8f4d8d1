package dev.nfsrepl.fs;

import dev.nfsrepl.fs.error.AccessException;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.NotDirException;
import dev.nfsrepl.fs.error.PermException;
import java.nio.ByteBuffer;

/**
 * Enforces Unix permissions for the caller's identity, as knfsd does: mode bits of the owner,
 * group or others; root passes every check except executing a file with no execute bit; the
 * owner of a file may read and write it whatever its mode (so {@code tar} and O_EXCL creates of
 * mode-0 files work); the sticky bit restricts removal and renaming to the owners.
 */
public final class PermissionCheckingFileSystem extends ForwardingFileSystem {

    private static final int R = 4;
    private static final int W = 2;
    private static final int X = 1;

    public PermissionCheckingFileSystem(FileSystem delegate) {
        super(delegate);
    }

    /** The rwx bits (4/2/1) {@code who} has on an object with attributes {@code a}. */
    static int bits(Identity who, Attr a) {
        if (who.isRoot()) {
            boolean anyX = a.type() == FileType.DIRECTORY || (a.mode() & 0111) != 0;
            return R | W | (anyX ? X : 0);
        }
        if (who.uid() == a.uid()) {
            return (a.mode() >> 6) & 7;
        }
        if (who.inGroup(a.gid())) {
            return (a.mode() >> 3) & 7;
        }
        return a.mode() & 7;
    }

    /** {@code need} on directory {@code dir}; a non-directory is NOTDIR whatever its mode, as in knfsd. */
    private void requireDir(Identity who, long dir, int need, String what) throws FsException {
        if (delegate.getattr(dir).type() != FileType.DIRECTORY) {
            throw new NotDirException(what + ": object " + Long.toHexString(dir) + " is not a directory");
        }
        require(who, dir, need, what);
    }

    private void require(Identity who, long id, int need, String what) throws FsException {
        Attr a = delegate.getattr(id);
        if ((bits(who, a) & need) != need) {
            throw new AccessException(what + ": " + who + " lacks " + rwx(need) + " on object "
                    + Long.toHexString(id) + " (mode " + Integer.toOctalString(a.mode()) + ", owner " + a.uid()
                    + ":" + a.gid() + ")");
        }
    }

    private void requireData(Identity who, long id, int need, String what) throws FsException {
        Attr a = delegate.getattr(id);
        if (a.uid() == who.uid()) {
            return; // owner override
        }
        if ((bits(who, a) & need) != need) {
            throw new AccessException(what + ": " + who + " lacks " + rwx(need) + " on file "
                    + Long.toHexString(id));
        }
    }

    private static String rwx(int bits) {
        return ((bits & R) != 0 ? "r" : "") + ((bits & W) != 0 ? "w" : "") + ((bits & X) != 0 ? "x" : "");
    }

    /** Removing or renaming away {@code name} in {@code dir}: write+search, and the sticky rule. */
    private void requireUnlink(Identity who, long dir, String name, String what) throws FsException {
        requireDir(who, dir, W | X, what);
        Attr d = delegate.getattr(dir);
        if ((d.mode() & 01000) != 0 && !who.isRoot() && who.uid() != d.uid()) {
            long child = delegate.lookup(who, dir, name);
            if (delegate.getattr(child).uid() != who.uid()) {
                throw new AccessException(what + ": " + name + " is in a sticky directory and " + who
                        + " owns neither");
            }
        }
    }

    @Override
    public long lookup(Identity who, long dir, String name) throws FsException {
        requireDir(who, dir, X, "lookup " + name);
        return delegate.lookup(who, dir, name);
    }

    @Override
    public int access(Identity who, long id, int mask) throws FsException {
        Attr a = delegate.getattr(id);
        int b = bits(who, a);
        int granted = 0;
        if ((b & R) != 0) {
            granted |= Access.READ;
        }
        if ((b & W) != 0) {
            granted |= Access.MODIFY | Access.EXTEND;
            if (a.type() == FileType.DIRECTORY) {
                granted |= Access.DELETE;
            }
        }
        if ((b & X) != 0) {
            granted |= a.type() == FileType.DIRECTORY ? Access.LOOKUP : Access.EXECUTE;
        }
        return mask & granted;
    }

    @Override
    public Attr setattr(Identity who, long id, SetAttr c, Long guardCtimeNanos) throws FsException {
        Attr a = delegate.getattr(id);
        boolean owner = who.isRoot() || who.uid() == a.uid();
        if (c.size() != null) {
            requireData(who, id, W, "truncate");
        }
        if (c.mode() != null && !owner) {
            throw new PermException("chmod: " + who + " does not own object " + Long.toHexString(id));
        }
        if (c.uid() != null && c.uid() != a.uid() && !who.isRoot()) {
            throw new PermException("chown: only root may give object " + Long.toHexString(id) + " away");
        }
        if (c.gid() != null && c.gid() != a.gid() && !who.isRoot() && !(owner && who.inGroup(c.gid()))) {
            throw new PermException("chgrp: " + who + " may not set group " + c.gid());
        }
        boolean explicitTime = (c.atime() != null && !c.atime().serverTime())
                || (c.mtime() != null && !c.mtime().serverTime());
        if (explicitTime && !owner) {
            throw new PermException("utimes: only the owner may set explicit times");
        }
        if ((c.atime() != null || c.mtime() != null) && !explicitTime && !owner) {
            require(who, id, W, "touch");
        }
        return delegate.setattr(who, id, c, guardCtimeNanos);
    }

    @Override
    public String readlink(Identity who, long id) throws FsException {
        return delegate.readlink(who, id);
    }

    @Override
    public ReadResult read(Identity who, long id, long offset, int count) throws FsException {
        requireData(who, id, R, "read");
        return delegate.read(who, id, offset, count);
    }

    @Override
    public WriteResult write(Identity who, long id, long offset, ByteBuffer data, Stability stability)
            throws FsException {
        requireData(who, id, W, "write");
        return delegate.write(who, id, offset, data, stability);
    }

    @Override
    public long create(Identity who, long dir, String name, CreateMode mode, SetAttr attrs, byte[] verifier)
            throws FsException {
        requireDir(who, dir, W | X, "create " + name);
        return delegate.create(who, dir, name, mode, attrs, verifier);
    }

    @Override
    public long mkdir(Identity who, long dir, String name, SetAttr attrs) throws FsException {
        requireDir(who, dir, W | X, "mkdir " + name);
        return delegate.mkdir(who, dir, name, attrs);
    }

    @Override
    public long symlink(Identity who, long dir, String name, String target, SetAttr attrs) throws FsException {
        requireDir(who, dir, W | X, "symlink " + name);
        return delegate.symlink(who, dir, name, target, attrs);
    }

    @Override
    public long mknod(Identity who, long dir, String name, FileType type, SetAttr attrs) throws FsException {
        requireDir(who, dir, W | X, "mknod " + name);
        return delegate.mknod(who, dir, name, type, attrs);
    }

    @Override
    public void remove(Identity who, long dir, String name) throws FsException {
        requireUnlink(who, dir, name, "remove " + name);
        delegate.remove(who, dir, name);
    }

    @Override
    public void rmdir(Identity who, long dir, String name) throws FsException {
        requireUnlink(who, dir, name, "rmdir " + name);
        delegate.rmdir(who, dir, name);
    }

    @Override
    public void rename(Identity who, long fromDir, String fromName, long toDir, String toName) throws FsException {
        requireUnlink(who, fromDir, fromName, "rename " + fromName);
        requireDir(who, toDir, W | X, "rename to " + toName);
        delegate.rename(who, fromDir, fromName, toDir, toName);
    }

    @Override
    public void link(Identity who, long id, long dir, String name) throws FsException {
        requireDir(who, dir, W | X, "link " + name);
        delegate.link(who, id, dir, name);
    }

    @Override
    public DirPage readdir(Identity who, long dir, long cookie, int maxEntries, boolean withAttrs)
            throws FsException {
        requireDir(who, dir, R, "readdir");
        return delegate.readdir(who, dir, cookie, maxEntries, withAttrs);
    }
}
