package dev.nfsrepl.fs;

/** Bytes written and how durable they are now. */
public record WriteResult(int count, Stability committed) {
}
