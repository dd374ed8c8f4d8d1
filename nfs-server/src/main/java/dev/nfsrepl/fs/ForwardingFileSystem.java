package dev.nfsrepl.fs;

import dev.nfsrepl.fs.error.FsException;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Passes every call to a delegate; decorators extend it and override only what they change. */
public abstract class ForwardingFileSystem implements FileSystem {

    protected final FileSystem delegate;

    protected ForwardingFileSystem(FileSystem delegate) {
        this.delegate = delegate;
    }

    @Override
    public long rootId() {
        return delegate.rootId();
    }

    @Override
    public int generation() {
        return delegate.generation();
    }

    @Override
    public Attr getattr(long id) throws FsException {
        return delegate.getattr(id);
    }

    @Override
    public long lookup(Identity who, long dir, String name) throws FsException {
        return delegate.lookup(who, dir, name);
    }

    @Override
    public int access(Identity who, long id, int mask) throws FsException {
        return delegate.access(who, id, mask);
    }

    @Override
    public Attr setattr(Identity who, long id, SetAttr changes, Long guardCtimeNanos) throws FsException {
        return delegate.setattr(who, id, changes, guardCtimeNanos);
    }

    @Override
    public String readlink(Identity who, long id) throws FsException {
        return delegate.readlink(who, id);
    }

    @Override
    public ReadResult read(Identity who, long id, long offset, int count) throws FsException {
        return delegate.read(who, id, offset, count);
    }

    @Override
    public WriteResult write(Identity who, long id, long offset, ByteBuffer data, Stability stability)
            throws FsException {
        return delegate.write(who, id, offset, data, stability);
    }

    @Override
    public void commit(Identity who, long id) throws FsException {
        delegate.commit(who, id);
    }

    @Override
    public long create(Identity who, long dir, String name, CreateMode mode, SetAttr attrs, byte[] verifier)
            throws FsException {
        return delegate.create(who, dir, name, mode, attrs, verifier);
    }

    @Override
    public long mkdir(Identity who, long dir, String name, SetAttr attrs) throws FsException {
        return delegate.mkdir(who, dir, name, attrs);
    }

    @Override
    public long symlink(Identity who, long dir, String name, String target, SetAttr attrs) throws FsException {
        return delegate.symlink(who, dir, name, target, attrs);
    }

    @Override
    public long mknod(Identity who, long dir, String name, FileType type, SetAttr attrs) throws FsException {
        return delegate.mknod(who, dir, name, type, attrs);
    }

    @Override
    public void remove(Identity who, long dir, String name) throws FsException {
        delegate.remove(who, dir, name);
    }

    @Override
    public void rmdir(Identity who, long dir, String name) throws FsException {
        delegate.rmdir(who, dir, name);
    }

    @Override
    public void rename(Identity who, long fromDir, String fromName, long toDir, String toName) throws FsException {
        delegate.rename(who, fromDir, fromName, toDir, toName);
    }

    @Override
    public void link(Identity who, long id, long dir, String name) throws FsException {
        delegate.link(who, id, dir, name);
    }

    @Override
    public DirPage readdir(Identity who, long dir, long cookie, int maxEntries, boolean withAttrs)
            throws FsException {
        return delegate.readdir(who, dir, cookie, maxEntries, withAttrs);
    }

    @Override
    public FsStat fsstat(long id) throws FsException {
        return delegate.fsstat(id);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
