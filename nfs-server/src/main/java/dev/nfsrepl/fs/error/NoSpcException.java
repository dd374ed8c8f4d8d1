package dev.nfsrepl.fs.error;

/** No space left on device (nfsstat3 28). */
public final class NoSpcException extends FsException {
    public NoSpcException(String message) {
        super(28, message);
    }

    public NoSpcException(String message, Throwable cause) {
        super(28, message, cause);
    }
}
