package dev.nfsrepl.fs.local;

import com.sun.security.auth.module.UnixSystem;

/** The server process's own uid and gid: the owner of what it creates when it cannot chown. */
final class ProcessIds {

    static final int UID;
    static final int GID;

    static {
        UnixSystem u = new UnixSystem();
        UID = (int) u.getUid();
        GID = (int) u.getGid();
    }

    private ProcessIds() {
    }
}
