package dev.nfsrepl.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.fs.local.LocalFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeDigestTest {

    @TempDir
    Path tmp;

    @Test
    void perDirectoryDigestsLocateTheDirectoriesThatDiffer() throws Exception {
        Path export = Files.createDirectories(tmp.resolve("export"));
        Files.createDirectories(export.resolve("a/b/c"));
        Files.createDirectories(export.resolve("x/y"));
        Files.writeString(export.resolve("a/b/c/deep.txt"), "deep");
        Files.writeString(export.resolve("a/b/file"), "b's");
        Files.writeString(export.resolve("x/y/z"), "z");
        Files.writeString(export.resolve("top"), "top");
        List<String> lines;
        try (LocalFileSystem fs = new LocalFileSystem(export, tmp.resolve("state"), Clock.systemUTC()).start()) {
            lines = TreeDigest.lines(fs);
        }
        assertEquals(List.of(), TreeDigest.whereTheyDiffer(lines, new ArrayList<>(lines)));
        assertEquals(6, TreeDigest.byDirectory(lines).size(), "/, a, a/b, a/b/c, x, x/y");

        List<String> changed = replace(lines, "/a/b/c/deep.txt", "sha256=", "sha256=0");
        assertNotEquals(TreeDigest.byDirectory(lines).get("/"), TreeDigest.byDirectory(changed).get("/"));
        assertEquals(TreeDigest.byDirectory(lines).get("/x"), TreeDigest.byDirectory(changed).get("/x"));
        assertEquals(List.of("/a/b/c"), TreeDigest.whereTheyDiffer(lines, changed), "only where the change is");

        List<String> missing = new ArrayList<>(lines);
        missing.removeIf(l -> l.startsWith("/x/y"));
        assertEquals(List.of("/x"), TreeDigest.whereTheyDiffer(lines, missing), "a missing directory shows in its parent");
    }

    @Test
    void namesWithBlanksAndBackslashesStayInTheirDirectory() throws Exception {
        Path export = Files.createDirectories(tmp.resolve("export"));
        Files.createDirectories(export.resolve("my dir/sub dir"));
        Files.writeString(export.resolve("my dir/sub dir/a file"), "x");
        Files.writeString(export.resolve("my dir/back\\slash"), "y");
        Files.writeString(export.resolve("my dir/caf\u00e9\nnewline"), "z");
        List<String> lines;
        try (LocalFileSystem fs = new LocalFileSystem(export, tmp.resolve("state"), Clock.systemUTC()).start()) {
            lines = TreeDigest.lines(fs);
        }
        assertEquals(List.of("/", "/my\\040dir", "/my\\040dir/sub\\040dir"),
                List.copyOf(TreeDigest.byDirectory(lines).keySet()), "a name's blank does not end its path");
        assertEquals(3, TreeDigest.entriesOf(lines, "/my\\040dir").size(), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("/my\\040dir/back\\134slash REGULAR")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("/my\\040dir/caf\\303\\251\\012newline REGULAR")),
                lines.toString());
    }

    private static List<String> replace(List<String> lines, String path, String what, String with) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(l.startsWith(path + " ") ? l.replace(what, with) : l);
        }
        return out;
    }
}
