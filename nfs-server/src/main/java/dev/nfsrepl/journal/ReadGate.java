package dev.nfsrepl.journal;

import dev.nfsrepl.fs.Attr;
import dev.nfsrepl.fs.DirPage;
import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.fs.ForwardingFileSystem;
import dev.nfsrepl.fs.FsStat;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.ReadResult;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.JukeboxException;

/**
 * Refuses reads while {@code gate} is closed (NFS3ERR_JUKEBOX: the client tries again, here or at
 * the new primary): for a primary configured not to serve possibly stale reads once it lost its
 * lease. Changes are gated by the journal itself ({@link Journal#setWriteGate}).
 */
public final class ReadGate extends ForwardingFileSystem {

    private final Journal.WriteGate gate;

    public ReadGate(FileSystem inner, Journal.WriteGate gate) {
        super(inner);
        this.gate = gate;
    }

    private void check() throws JukeboxException {
        String closed = gate.closedBecause();
        if (closed != null) {
            throw new JukeboxException("reads are refused: " + closed);
        }
    }

    @Override
    public Attr getattr(long id) throws FsException {
        check();
        return super.getattr(id);
    }

    @Override
    public long lookup(Identity who, long dir, String name) throws FsException {
        check();
        return super.lookup(who, dir, name);
    }

    @Override
    public int access(Identity who, long id, int mask) throws FsException {
        check();
        return super.access(who, id, mask);
    }

    @Override
    public String readlink(Identity who, long id) throws FsException {
        check();
        return super.readlink(who, id);
    }

    @Override
    public ReadResult read(Identity who, long id, long offset, int count) throws FsException {
        check();
        return super.read(who, id, offset, count);
    }

    @Override
    public DirPage readdir(Identity who, long dir, long cookie, int maxEntries, boolean withAttrs) throws FsException {
        check();
        return super.readdir(who, dir, cookie, maxEntries, withAttrs);
    }

    @Override
    public FsStat fsstat(long id) throws FsException {
        check();
        return super.fsstat(id);
    }
}
