package dev.nfsrepl.fs.error;

/** Operation is not supported (nfsstat3 10004). */
public final class NotSuppException extends FsException {
    public NotSuppException(String message) {
        super(10004, message);
    }

    public NotSuppException(String message, Throwable cause) {
        super(10004, message, cause);
    }
}
