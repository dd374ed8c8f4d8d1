package dev.nfsrepl.nfs;

import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.error.AccessException;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.RoFsException;
import dev.nfsrepl.fs.error.StaleException;
import dev.nfsrepl.fs.error.XDevException;
import dev.nfsrepl.nfs.export.ExportOptions;
import dev.nfsrepl.nfs.xdr.nfs_fh3;

/**
 * The object a request's handle names, with the file system serving it and the identity the
 * request runs as. Resolving a handle applies the export's rules on every request, so a handle
 * obtained earlier never bypasses them: the client must still be listed, its port must be
 * privileged for {@code secure} exports, its credentials are squashed, and changes to read-only
 * exports are refused.
 */
record Target(FileSystem fs, int fsid, long id, Identity who, ExportOptions options) {

    static Target resolve(ExportTable exports, Caller caller, nfs_fh3 fh, boolean changes) throws FsException {
        FileHandle h = FileHandle.parse(fh.data);
        ExportedFs e = exports.byFsid(h.fsid()).orElseThrow(
                () -> new StaleException("no export with fsid " + Integer.toUnsignedString(h.fsid())));
        ExportOptions opts = e.export().optionsFor(caller.address()).orElseThrow(
                () -> new AccessException(caller.address().getHostAddress() + " is not allowed by export "
                        + e.export().pseudoPath()));
        if (!opts.permitsSourcePort(caller.port())) {
            throw new AccessException("export " + e.export().pseudoPath() + " is secure; client port "
                    + caller.port() + " is not privileged");
        }
        if (h.generation() != e.fs().generation()) {
            throw new StaleException("handle of an earlier generation of export " + e.export().pseudoPath());
        }
        if (changes && opts.readOnly()) {
            throw new RoFsException("export " + e.export().pseudoPath() + " is read-only for "
                    + caller.address().getHostAddress());
        }
        Identity who = opts.map(caller.identityOrNobody()).from(caller.address(), caller.xid());
        return new Target(e.fs(), h.fsid(), h.fileId(), who, opts);
    }

    /** A second object of the same request (RENAME's target directory, LINK's directory). */
    Target sibling(nfs_fh3 fh) throws FsException {
        FileHandle h = FileHandle.parse(fh.data);
        if (h.fsid() != fsid) {
            throw new XDevException("objects in different exports");
        }
        if (h.generation() != fs.generation()) {
            throw new StaleException("handle of an earlier generation of this export");
        }
        return new Target(fs, fsid, h.fileId(), who, options);
    }

    FileHandle handle(long objectId) {
        return new FileHandle(fsid, fs.generation(), objectId);
    }
}
