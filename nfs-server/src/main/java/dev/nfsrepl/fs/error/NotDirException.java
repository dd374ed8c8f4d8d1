package dev.nfsrepl.fs.error;

/** Not a directory (nfsstat3 20). */
public final class NotDirException extends FsException {
    public NotDirException(String message) {
        super(20, message);
    }

    public NotDirException(String message, Throwable cause) {
        super(20, message, cause);
    }
}
