package dev.nfsrepl.fs.error;

/** Directory not empty (nfsstat3 66). */
public final class NotEmptyException extends FsException {
    public NotEmptyException(String message) {
        super(66, message);
    }

    public NotEmptyException(String message, Throwable cause) {
        super(66, message, cause);
    }
}
