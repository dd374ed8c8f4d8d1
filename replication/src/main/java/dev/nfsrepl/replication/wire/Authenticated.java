package dev.nfsrepl.replication.wire;

/** User event fired down a replication pipeline once the handshake succeeded; {@code peer} is the primary's name (on a backup) or the backup's address. */
public record Authenticated(String peer) {
}
