package dev.nfsrepl.fs.error;

/** Modifying operation on a read-only file system (nfsstat3 30). */
public final class RoFsException extends FsException {
    public RoFsException(String message) {
        super(30, message);
    }

    public RoFsException(String message, Throwable cause) {
        super(30, message, cause);
    }
}
