package dev.nfsrepl.fs;

/** How durable a WRITE must be before it is acknowledged (RFC 1813 stable_how). */
public enum Stability {
    /** May sit in memory until COMMIT. */
    UNSTABLE,
    /** Data, and the metadata needed to read it back, on stable storage. */
    DATA_SYNC,
    /** Data and all metadata on stable storage. */
    FILE_SYNC
}
