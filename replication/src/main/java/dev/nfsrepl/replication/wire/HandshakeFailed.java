package dev.nfsrepl.replication.wire;

/** User event fired on the primary's end when the backup refused it or failed to prove it holds the key; the connection is closing. */
public record HandshakeFailed(String reason) {
}
