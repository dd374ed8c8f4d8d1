package dev.nfsrepl.fs.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStatTest {

    @TempDir
    Path dir;

    @Test
    void fastPathIsOnUnderTheBuildsJvmFlags() {
        assertTrue(LocalStat.fastPath(), "surefire runs with nfsrepl.jvmFlags, which open sun.nio.fs");
    }

    @Test
    void fastPathGivesWhatTheUnixViewGivesForEveryType() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[12345]);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2001-02-03T04:05:06.123456789Z")));
        Path sub = Files.createDirectory(dir.resolve("d"));
        Path link = Files.createSymbolicLink(dir.resolve("l"), Path.of("does-not-exist"));
        Path fifo = dir.resolve("p");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Files.createLink(dir.resolve("f2"), file);
        for (Path p : new Path[] {file, sub, link, fifo, dir.resolve("f2"), Path.of("/dev/null")}) {
            assertEquals(LocalStat.viaUnixView(p), LocalStat.of(p), p.toString());
        }
        LocalStat f = LocalStat.of(file);
        assertEquals(12345, f.size());
        assertEquals(2, f.nlink());
        assertEquals(Instant.parse("2001-02-03T04:05:06.123456789Z").getEpochSecond() * 1_000_000_000L + 123456789L,
                f.mtimeNanos());
        assertTrue(LocalStat.of(Path.of("/dev/null")).rdev() != 0, "a device's rdev is read");
    }
}
