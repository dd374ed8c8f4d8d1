package dev.nfsrepl.fs;

import java.util.List;

/** A page of a directory listing; {@code eof} when no entries follow the last one. */
public record DirPage(List<DirEntry> entries, boolean eof) {
}
