package dev.nfsrepl.fs.error;

/** No such device or address (nfsstat3 6). */
public final class NxioException extends FsException {
    public NxioException(String message) {
        super(6, message);
    }

    public NxioException(String message, Throwable cause) {
        super(6, message, cause);
    }
}
