package dev.nfsrepl.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full resync's copy swapped into the export, cut after every possible move and completed by a later run. */
class TreeSwapTest {

    @TempDir
    Path tmp;

    Path export;
    Path state;
    Path copy;
    Path copyState;
    Path marker;

    void setUp(Path base) throws IOException {
        export = Files.createDirectories(base.resolve("export"));
        state = Files.createDirectories(base.resolve("state"));
        copy = Files.createDirectories(base.resolve(".export.resync"));
        copyState = Files.createDirectories(base.resolve("state.resync"));
        marker = Files.createDirectories(base.resolve("journal")).resolve("swap");
        Files.writeString(export.resolve("old-file"), "old");
        Files.createDirectories(export.resolve("old-dir/sub")).resolve("f");
        Files.writeString(export.resolve("old-dir/sub/f"), "old deep");
        Files.createSymbolicLink(export.resolve("same-name"), Path.of("old-file"));
        Files.writeString(state.resolve("index"), "old index");
        Files.writeString(copy.resolve("new-file"), "new");
        Files.createDirectories(copy.resolve("new-dir"));
        Files.writeString(copy.resolve("new-dir/g"), "new deep");
        Files.writeString(copy.resolve("same-name"), "a file now");
        Files.writeString(copyState.resolve("index"), "new index");
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-x---"));
        xattr(export, "nfsrepl.seq", "the old tree's stamp: applied up to #900");
        xattr(copy, "nfsrepl.seq", "the copy's stamp: applied up to #42");
    }

    static void xattr(Path p, String name, String value) throws IOException {
        Files.getFileAttributeView(p, java.nio.file.attribute.UserDefinedFileAttributeView.class).write(name,
                java.nio.ByteBuffer.wrap(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    static String xattr(Path p, String name) throws IOException {
        var v = Files.getFileAttributeView(p, java.nio.file.attribute.UserDefinedFileAttributeView.class);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.size(name));
        v.read(name, b);
        return new String(b.array(), java.nio.charset.StandardCharsets.UTF_8);
    }

    TreeSwap swap(TreeSwap.Mover m) {
        return new TreeSwap(export, state, copy, copyState, marker, m);
    }

    static TreeMap<String, String> contents(Path root) throws IOException {
        TreeMap<String, String> m = new TreeMap<>();
        try (var s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String k = root.relativize(p).toString();
                m.put(k, Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p) : Files.isDirectory(p) ? "dir"
                        : Files.readString(p));
            }
        }
        return m;
    }

    @Test
    void aSwapCutAfterAnyMoveIsCompletedByTheNextRun() throws Exception {
        int moves = 3 + 3; // three old entries out, three new ones in
        for (int cut = 0; cut <= moves; cut++) {
            setUp(Files.createDirectories(tmp.resolve("run" + cut)));
            TreeMap<String, String> expected = contents(copy);
            swap(TreeSwap.RENAME).begin(42);
            AtomicInteger done = new AtomicInteger();
            int limit = cut;
            TreeSwap.Mover failing = (from, to) -> {
                if (done.getAndIncrement() >= limit) {
                    throw new IOException("disk gone after " + limit + " moves");
                }
                TreeSwap.RENAME.move(from, to);
            };
            List<Long> told = new ArrayList<>();
            if (cut < moves) {
                assertThrows(IOException.class, () -> swap(failing).complete(told::add), "cut after " + limit);
                assertTrue(swap(TreeSwap.RENAME).pending(), "the marker stays while the swap is unfinished");
                assertTrue(told.isEmpty(), "the journal's files are left alone until the trees are swapped");
            } else {
                assertEquals(42, swap(failing).complete(told::add));
            }
            swap(TreeSwap.RENAME).complete(told::add); // the next start
            assertEquals(List.of(42L), told, "cut after " + cut);
            assertEquals(expected, contents(export), "cut after " + cut);
            assertEquals("new index", Files.readString(state.resolve("index")));
            assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(export)));
            assertEquals("the copy's stamp: applied up to #42", xattr(export, "nfsrepl.seq"),
                    "the root keeps what the copy's root has seen applied, not the old tree's");
            assertFalse(Files.exists(marker));
            assertFalse(Files.exists(copy));
            assertFalse(Files.exists(copyState));
            assertFalse(Files.exists(export.resolveSibling(".export.old")));
            assertEquals(-1, swap(TreeSwap.RENAME).complete(told::add), "nothing pending any more");
        }
    }

    @Test
    void aDamagedMarkerIsAnErrorNamingItAndMovesNothing() throws Exception {
        setUp(tmp);
        Files.writeString(marker, "phase = 2\n");
        IOException e = assertThrows(IOException.class, () -> swap(TreeSwap.RENAME).complete(a -> { }));
        assertTrue(e.getMessage().contains(marker.toString()), e.getMessage());
        assertTrue(Files.exists(export.resolve("old-file")));
    }
}
