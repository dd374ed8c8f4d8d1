package dev.nfsrepl.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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

    private static List<String> replace(List<String> lines, String path, String what, String with) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(l.startsWith(path + " ") ? l.replace(what, with) : l);
        }
        return out;
    }
}
