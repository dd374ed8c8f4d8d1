package dev.nfsrepl.fs.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cached listings of directories stay true to the directory when changes race with READDIR scans. */
class DirectoryListingsTest {

    @TempDir
    Path dir;

    private List<String> names(DirectoryListings l) throws Exception {
        return List.copyOf(l.entries(7, dir, LocalStat.of(dir)).values()).stream().sorted().toList();
    }

    @Test
    void aListingThatMissedAChangeIsNotBlessedByTheServerRetimingTheDirectory() throws Exception {
        DirectoryListings l = new DirectoryListings();
        Files.createFile(dir.resolve("a"));
        assertEquals(List.of("a"), names(l)); // cached, current
        Files.createFile(dir.resolve("b")); // an entry the cached listing has not seen (a racing scan stored it)
        Files.setLastModifiedTime(dir, FileTime.fromMillis(1_000_000)); // so the times surely moved
        LocalStat before = LocalStat.of(dir);
        Files.setLastModifiedTime(dir, FileTime.fromMillis(2_000_000)); // the server sets the record's mtime
        l.retimed(7, before, LocalStat.of(dir));
        assertEquals(List.of("a", "b"), names(l), "the listing is read again, not taken as current");
    }
}
