package dev.nfsrepl.fs.error;

/** Attempt to do a cross-device hard link (nfsstat3 18). */
public final class XDevException extends FsException {
    public XDevException(String message) {
        super(18, message);
    }

    public XDevException(String message, Throwable cause) {
        super(18, message, cause);
    }
}
