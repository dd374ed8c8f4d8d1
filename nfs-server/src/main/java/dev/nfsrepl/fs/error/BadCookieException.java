package dev.nfsrepl.fs.error;

/** READDIR cookie is stale (nfsstat3 10003). */
public final class BadCookieException extends FsException {
    public BadCookieException(String message) {
        super(10003, message);
    }

    public BadCookieException(String message, Throwable cause) {
        super(10003, message, cause);
    }
}
