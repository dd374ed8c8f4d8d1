package dev.nfsrepl.fs.error;

/** Is a directory (nfsstat3 21). */
public final class IsDirException extends FsException {
    public IsDirException(String message) {
        super(21, message);
    }

    public IsDirException(String message, Throwable cause) {
        super(21, message, cause);
    }
}
