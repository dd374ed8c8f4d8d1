package dev.nfsrepl.fs.error;

/** An attempt was made to create an object of a type not supported by the server (nfsstat3 10007). */
public final class BadTypeException extends FsException {
    public BadTypeException(String message) {
        super(10007, message);
    }

    public BadTypeException(String message, Throwable cause) {
        super(10007, message, cause);
    }
}
