package dev.nfsrepl.fs.error;

/** Buffer or request is too small (nfsstat3 10005). */
public final class TooSmallException extends FsException {
    public TooSmallException(String message) {
        super(10005, message);
    }

    public TooSmallException(String message, Throwable cause) {
        super(10005, message, cause);
    }
}
