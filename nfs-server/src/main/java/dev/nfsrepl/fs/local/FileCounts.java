package dev.nfsrepl.fs.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Total and free file slots (inodes) of a file system; java.nio has no statvfs for these. */
final class FileCounts {

    private FileCounts() {
    }

    /** {total, free}; both 0 when the file system does not say (e.g. btrfs reports 0). */
    static long[] of(Path p) throws IOException {
        Process proc = new ProcessBuilder("stat", "-f", "-c", "%c %d", "--", p.toString())
                .redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (proc.waitFor() != 0) {
                throw new IOException("stat -f " + p + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted reading file counts of " + p, e);
        }
        String[] parts = out.split("\\s+");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }
}
