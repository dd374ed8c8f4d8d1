package dev.nfsrepl.fs.error;

/** No such device (nfsstat3 19). */
public final class NoDevException extends FsException {
    public NoDevException(String message) {
        super(19, message);
    }

    public NoDevException(String message, Throwable cause) {
        super(19, message, cause);
    }
}
