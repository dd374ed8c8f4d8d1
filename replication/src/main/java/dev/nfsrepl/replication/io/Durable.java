package dev.nfsrepl.replication.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Small files and names that survive a crash: fsync of an object or directory, and atomic replacement of a file. */
public final class Durable {

    private Durable() {
    }

    /** fsync of a directory, so that names created, renamed or removed in it survive a crash. */
    public static void syncDirectory(Path dir) throws IOException {
        syncObject(dir);
    }

    /** fsync(2) of a regular file or directory, never following a symlink. */
    public static void syncObject(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ch.force(true);
        }
    }

    /**
     * Replaces {@code file} with {@code content} so that after a crash it holds either the old or
     * the new content, never a mix: written to {@code file.tmp}, fsynced, renamed over the file,
     * and the directory fsynced.
     */
    public static void replace(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(file.toAbsolutePath().getParent());
    }
}
