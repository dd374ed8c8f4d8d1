package dev.nfsrepl.fs.error;

/** The filename in an operation was too long (nfsstat3 63). */
public final class NameTooLongException extends FsException {
    public NameTooLongException(String message) {
        super(63, message);
    }

    public NameTooLongException(String message, Throwable cause) {
        super(63, message, cause);
    }
}
