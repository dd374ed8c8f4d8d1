package dev.nfsrepl.replication.record;

/**
 * The attributes a created or adopted object must end up with on every replica, so that after a
 * failover a file does not look changed to client caches or to {@code make}. Times are
 * nanoseconds since the epoch. {@code mode} holds permission bits only (07777).
 */
public record Attrs(int mode, int uid, int gid, long size, long atimeNanos, long mtimeNanos) {
}
