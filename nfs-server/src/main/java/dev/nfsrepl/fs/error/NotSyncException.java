package dev.nfsrepl.fs.error;

/** Update synchronization mismatch (SETATTR guard) (nfsstat3 10002). */
public final class NotSyncException extends FsException {
    public NotSyncException(String message) {
        super(10002, message);
    }

    public NotSyncException(String message, Throwable cause) {
        super(10002, message, cause);
    }
}
