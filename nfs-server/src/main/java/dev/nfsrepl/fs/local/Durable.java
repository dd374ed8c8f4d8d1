package dev.nfsrepl.fs.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** fsync helpers. */
final class Durable {

    private Durable() {
    }

    /** Makes the entries of a directory (creations, removals, renames in it) durable. */
    static void syncDirectory(Path dir) throws IOException {
        syncObject(dir);
    }

    /** fsync(2) of a regular file or directory, never following a symlink. */
    static void syncObject(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ch.force(true);
        }
    }
}
