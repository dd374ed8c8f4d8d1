package dev.nfsrepl.fs.error;

/** File exists (nfsstat3 17). */
public final class ExistException extends FsException {
    public ExistException(String message) {
        super(17, message);
    }

    public ExistException(String message, Throwable cause) {
        super(17, message, cause);
    }
}
