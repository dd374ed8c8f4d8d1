package dev.nfsrepl.fs;

/** Space and file-slot counts of the file system holding an export. */
public record FsStat(long totalBytes, long freeBytes, long availBytes, long totalFiles, long freeFiles,
                     long availFiles) {
}
