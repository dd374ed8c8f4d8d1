package dev.nfsrepl.fs;

/**
 * The attributes of one object, as a client sees them. Times are nanoseconds since the epoch.
 * {@code mode} holds only the permission bits (07777); the type is in {@code type}.
 * {@code fileId} is nfsrepl's stable identity, never the local inode number.
 */
public record Attr(
        FileType type,
        int mode,
        int nlink,
        int uid,
        int gid,
        long size,
        long used,
        int rdevMajor,
        int rdevMinor,
        long fileId,
        long atimeNanos,
        long mtimeNanos,
        long ctimeNanos) {
}
