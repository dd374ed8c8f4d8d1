package dev.nfsrepl.fs.error;

/** Illegal NFS file handle (nfsstat3 10001). */
public final class BadHandleException extends FsException {
    public BadHandleException(String message) {
        super(10001, message);
    }

    public BadHandleException(String message, Throwable cause) {
        super(10001, message, cause);
    }
}
