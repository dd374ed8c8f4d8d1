package dev.nfsrepl.fs.error;

/** A hard error occurred while processing the operation (nfsstat3 5). */
public final class IoErrorException extends FsException {
    public IoErrorException(String message) {
        super(5, message);
    }

    public IoErrorException(String message, Throwable cause) {
        super(5, message, cause);
    }
}
