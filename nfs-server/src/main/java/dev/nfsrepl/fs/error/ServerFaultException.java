package dev.nfsrepl.fs.error;

/** An error occurred on the server which does not map to any of the legal NFS errors (nfsstat3 10006). */
public final class ServerFaultException extends FsException {
    public ServerFaultException(String message) {
        super(10006, message);
    }

    public ServerFaultException(String message, Throwable cause) {
        super(10006, message, cause);
    }
}
