package dev.nfsrepl.fs;

import java.nio.ByteBuffer;

/** Bytes read (position 0, limit = count) and whether the read reached the end of the file. */
public record ReadResult(ByteBuffer data, boolean eof) {
}
