package dev.nfsrepl.fs.error;

/**
 * A file-system failure with a precise NFSv3 meaning. Each subclass stands for exactly one
 * {@code nfsstat3} value (RFC 1813 section 2.6); the protocol layer maps {@link #status()}
 * to the wire and every other exception to NFS3ERR_SERVERFAULT.
 */
public abstract class FsException extends Exception {

    private final int status;

    protected FsException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    protected FsException(int status, String message, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
    }

    /** The nfsstat3 value this failure is reported as. */
    public int status() {
        return status;
    }
}
