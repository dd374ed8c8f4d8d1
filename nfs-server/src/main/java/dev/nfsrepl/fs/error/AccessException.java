package dev.nfsrepl.fs.error;

/** Permission denied (nfsstat3 13). */
public final class AccessException extends FsException {
    public AccessException(String message) {
        super(13, message);
    }

    public AccessException(String message, Throwable cause) {
        super(13, message, cause);
    }
}
