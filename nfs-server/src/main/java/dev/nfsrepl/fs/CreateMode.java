package dev.nfsrepl.fs;

/** How CREATE treats an existing name (RFC 1813 createmode3). */
public enum CreateMode {
    /** Create or truncate-and-reuse an existing regular file. */
    UNCHECKED,
    /** Fail with EXIST if the name exists. */
    GUARDED,
    /**
     * Fail with EXIST if the name exists, unless it was created by an exclusive create with the
     * same verifier (a retransmission), which then succeeds.
     */
    EXCLUSIVE
}
