package dev.nfsrepl.fs.error;

/** Not owner: the caller is neither privileged nor the owner (nfsstat3 1). */
public final class PermException extends FsException {
    public PermException(String message) {
        super(1, message);
    }

    public PermException(String message, Throwable cause) {
        super(1, message, cause);
    }
}
