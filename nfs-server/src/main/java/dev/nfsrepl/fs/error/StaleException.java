package dev.nfsrepl.fs.error;

/** Invalid file handle: the object no longer exists (nfsstat3 70). */
public final class StaleException extends FsException {
    public StaleException(String message) {
        super(70, message);
    }

    public StaleException(String message, Throwable cause) {
        super(70, message, cause);
    }
}
