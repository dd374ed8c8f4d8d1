package dev.nfsrepl.fs.error;

/** Resource (quota) hard limit exceeded (nfsstat3 69). */
public final class DQuotException extends FsException {
    public DQuotException(String message) {
        super(69, message);
    }

    public DQuotException(String message, Throwable cause) {
        super(69, message, cause);
    }
}
