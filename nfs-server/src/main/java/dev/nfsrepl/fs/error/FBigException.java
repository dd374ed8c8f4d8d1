package dev.nfsrepl.fs.error;

/** File too large (nfsstat3 27). */
public final class FBigException extends FsException {
    public FBigException(String message) {
        super(27, message);
    }

    public FBigException(String message, Throwable cause) {
        super(27, message, cause);
    }
}
