package dev.nfsrepl.journal;

import dev.nfsrepl.fs.CreateMode;
import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.SetAttr;
import dev.nfsrepl.fs.Stability;
import dev.nfsrepl.fs.WriteResult;
import dev.nfsrepl.fs.Attr;
import dev.nfsrepl.fs.ForwardingFileSystem;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.local.IoErrors;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Over a {@link RecordingFileSystem}: a change that promises stability returns only once
 * replication's promise holds for it (sync mode: enough backups hold its record), waiting after
 * the change released its locks. Waiting under them would stall every change of the same
 * directories behind a backup, and a full resync, which lists each directory under its lock,
 * would wait for the very change that waits for it. The change is on the primary's disk and
 * visible to its readers meanwhile, as with any replicated disk: what the promise covers is the
 * reply. Thread-safe.
 */
public final class ReplicatedReplies extends ForwardingFileSystem {

    private final Journal journal;

    public ReplicatedReplies(RecordingFileSystem recorded) {
        super(recorded);
        this.journal = recorded.journal();
    }

    private <T> T replicated(T result) throws FsException {
        try {
            journal.awaitReplication();
        } catch (IOException e) {
            if (journal.closedBecause() != null) { // no longer primary: the client tries again, at the new one
                throw new dev.nfsrepl.fs.error.JukeboxException(e.getMessage(), e);
            }
            throw IoErrors.map(e, "waiting for backups to hold the change");
        }
        return result;
    }

    @Override
    public Attr setattr(Identity who, long id, SetAttr changes, Long guardCtimeNanos) throws FsException {
        return replicated(super.setattr(who, id, changes, guardCtimeNanos));
    }

    @Override
    public WriteResult write(Identity who, long id, long offset, ByteBuffer data, Stability stability) throws FsException {
        return replicated(super.write(who, id, offset, data, stability));
    }

    @Override
    public long create(Identity who, long dir, String name, CreateMode mode, SetAttr attrs, byte[] verifier)
            throws FsException {
        return replicated(super.create(who, dir, name, mode, attrs, verifier));
    }

    @Override
    public long mkdir(Identity who, long dir, String name, SetAttr attrs) throws FsException {
        return replicated(super.mkdir(who, dir, name, attrs));
    }

    @Override
    public long symlink(Identity who, long dir, String name, String target, SetAttr attrs) throws FsException {
        return replicated(super.symlink(who, dir, name, target, attrs));
    }

    @Override
    public long mknod(Identity who, long dir, String name, FileType type, SetAttr attrs) throws FsException {
        return replicated(super.mknod(who, dir, name, type, attrs));
    }

    @Override
    public void remove(Identity who, long dir, String name) throws FsException {
        super.remove(who, dir, name);
        replicated(null);
    }

    @Override
    public void rmdir(Identity who, long dir, String name) throws FsException {
        super.rmdir(who, dir, name);
        replicated(null);
    }

    @Override
    public void rename(Identity who, long fromDir, String fromName, long toDir, String toName) throws FsException {
        super.rename(who, fromDir, fromName, toDir, toName);
        replicated(null);
    }

    @Override
    public void link(Identity who, long id, long dir, String name) throws FsException {
        super.link(who, id, dir, name);
        replicated(null);
    }
}
