package dev.nfsrepl.fs.error;

/** The server initiated the request, but was not able to complete it in a timely fashion (nfsstat3 10008). */
public final class JukeboxException extends FsException {
    public JukeboxException(String message) {
        super(10008, message);
    }

    public JukeboxException(String message, Throwable cause) {
        super(10008, message, cause);
    }
}
