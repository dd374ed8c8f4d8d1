package dev.nfsrepl.fs.error;

/** Invalid argument or unsupported argument for an operation (nfsstat3 22). */
public final class InvalException extends FsException {
    public InvalException(String message) {
        super(22, message);
    }

    public InvalException(String message, Throwable cause) {
        super(22, message, cause);
    }
}
