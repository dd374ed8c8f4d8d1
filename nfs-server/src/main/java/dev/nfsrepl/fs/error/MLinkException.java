package dev.nfsrepl.fs.error;

/** Too many hard links (nfsstat3 31). */
public final class MLinkException extends FsException {
    public MLinkException(String message) {
        super(31, message);
    }

    public MLinkException(String message, Throwable cause) {
        super(31, message, cause);
    }
}
