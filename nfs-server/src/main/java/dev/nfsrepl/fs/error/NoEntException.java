package dev.nfsrepl.fs.error;

/** No such file or directory (nfsstat3 2). */
public final class NoEntException extends FsException {
    public NoEntException(String message) {
        super(2, message);
    }

    public NoEntException(String message, Throwable cause) {
        super(2, message, cause);
    }
}
