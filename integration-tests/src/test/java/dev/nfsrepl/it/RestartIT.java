package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nfsrepl.nfs.xdr.GETATTR3res;
import dev.nfsrepl.nfs.xdr.LINK3res;
import dev.nfsrepl.nfs.xdr.MKNOD3res;
import dev.nfsrepl.nfs.xdr.READLINK3res;
import dev.nfsrepl.nfs.xdr.RENAME3res;
import dev.nfsrepl.nfs.xdr.SYMLINK3res;
import dev.nfsrepl.nfs.xdr.entry3;
import dev.nfsrepl.nfs.xdr.fattr3;
import dev.nfsrepl.nfs.xdr.nfs3_prot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File handles outlive the server: after a clean restart and after a SIGKILL, every handle a
 * client holds (files, directories, symlinks, FIFOs, hard links, objects renamed or created just
 * before the stop) names the same object with the same fileid. Objects made directly on disk are
 * adopted, and a {@code cp -a} copy (which copies the {@code user.nfsrepl.id} xattr) is a new
 * object. The write verifier changes with every run, so clients resend uncommitted writes.
 */
class RestartIT {

    private static final Duration FIFO_PATIENCE = Duration.ofSeconds(10);
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    /** A handle a client holds, what it named, and what must still be true of it. */
    private record Held(String path, byte[] handle, long fileid, int type, String content) {
    }

    /** Problems found on the way that should not stop the rest of a test from running. */
    private final List<String> deferred = new ArrayList<>();

    private static byte[] mnt(int mountPort, Path export) throws IOException {
        try (ItRpcClient m = ItRpcClient.mount(mountPort)) {
            return m.mntOk(export.toString());
        }
    }

    private static Held held(ItRpcClient c, String path, byte[] fh, String content) throws IOException {
        fattr3 a = c.attrs(fh);
        assertNotEquals(0, a.fileid, "fileid of " + path);
        assertEquals(a.fileid, ItRpcClient.fileIdOf(fh), "fileid in the handle of " + path);
        return new Held(path, fh, a.fileid, a.type, content);
    }

    private Held fifo(ItRpcClient c, byte[] dir, String name, Path onDisk, String path) throws IOException {
        ItRpcClient.FifoCreation made = c.mkfifoGuarded(dir, name, 0640, onDisk, FIFO_PATIENCE);
        if (made.hung()) {
            deferred.add("MKNOD of FIFO " + path + " got no reply for " + FIFO_PATIENCE.toSeconds()
                    + " s, until the test opened the FIFO for writing: the server blocks in open(2) of the new FIFO");
        }
        MKNOD3res r = made.result();
        ItRpcClient.expect(nfs3_prot.NFS3_OK, r.status, "MKNOD FIFO " + path);
        return held(c, path, r.resok.obj.handle.data, null);
    }

    /** Makes a tree of every kind of object through NFS and returns the handles a client would hold. */
    private Map<String, Held> populate(ItRpcClient c, byte[] root, Path export) throws IOException {
        Map<String, Held> h = new LinkedHashMap<>();
        byte[] d = c.mkdirOk(root, "d", 0755);
        h.put("d", held(c, "d", d, null));
        byte[] f = c.createOk(d, "f.txt", 0644);
        c.writeOk(f, 0, "file f\n".getBytes());
        h.put("d/f.txt", held(c, "d/f.txt", f, "file f\n"));
        SYMLINK3res sl = c.symlink(d, "l", "f.txt");
        ItRpcClient.expect(nfs3_prot.NFS3_OK, sl.status, "SYMLINK d/l");
        h.put("d/l", held(c, "d/l", sl.resok.obj.handle.data, "f.txt"));
        LINK3res ln = c.link(f, d, "hard.txt");
        ItRpcClient.expect(nfs3_prot.NFS3_OK, ln.status, "LINK d/hard.txt");
        assertEquals(2, ln.resok.file_attributes.attributes.nlink);
        byte[] e = c.mkdirOk(d, "e", 0700);
        h.put("d/e", held(c, "d/e", e, null));
        byte[] g = c.createOk(e, "g.txt", 0600);
        c.writeOk(g, 0, "deep file g\n".getBytes());
        h.put("d/e/g.txt", held(c, "d/e/g.txt", g, "deep file g\n"));
        byte[] r = c.createOk(d, "to-rename.txt", 0644);
        c.writeOk(r, 0, "renamed later\n".getBytes());
        RENAME3res mv = c.rename(d, "to-rename.txt", e, "renamed.txt");
        ItRpcClient.expect(nfs3_prot.NFS3_OK, mv.status, "RENAME d/to-rename.txt d/e/renamed.txt");
        h.put("d/e/renamed.txt", held(c, "d/e/renamed.txt", r, "renamed later\n"));
        h.put("d/p", fifo(c, d, "p", export.resolve("d/p"), "d/p"));
        return h;
    }

    /** Checks that every held handle still names its object, and that names still lead to the same handles. */
    private static void verify(ItRpcClient c, byte[] root, Map<String, Held> held, String when) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Held h : held.values()) {
            GETATTR3res r = c.getattr(h.handle());
            if (r.status != nfs3_prot.NFS3_OK) {
                problems.add(h.path() + ": GETATTR of the held handle failed with nfsstat3 " + r.status
                        + (r.status == nfs3_prot.NFS3ERR_STALE ? " (STALE)" : ""));
                continue;
            }
            fattr3 a = r.resok.obj_attributes;
            if (a.fileid != h.fileid() || a.type != h.type()) {
                problems.add(h.path() + ": held handle now names fileid " + Long.toHexString(a.fileid) + " type "
                        + a.type + ", was " + Long.toHexString(h.fileid()) + " type " + h.type());
                continue;
            }
            if (h.content() != null && h.type() == nfs3_prot.NF3REG) {
                String got = new String(c.readAll(h.handle()), StandardCharsets.UTF_8);
                if (!got.equals(h.content())) {
                    problems.add(h.path() + ": content '" + got + "', want '" + h.content() + "'");
                }
            }
            if (h.type() == nfs3_prot.NF3LNK) {
                READLINK3res rl = c.readlink(h.handle());
                if (rl.status != nfs3_prot.NFS3_OK || !rl.resok.data.equals(h.content())) {
                    problems.add(h.path() + ": READLINK status " + rl.status + " target "
                            + (rl.resok == null ? null : rl.resok.data));
                }
            }
            // the name leads to the very same handle
            byte[] dir = root;
            String[] parts = h.path().split("/");
            boolean found = true;
            for (int i = 0; i < parts.length && found; i++) {
                var l = c.lookup(dir, parts[i]);
                if (l.status != nfs3_prot.NFS3_OK) {
                    problems.add(h.path() + ": LOOKUP of " + parts[i] + " failed with nfsstat3 " + l.status);
                    found = false;
                } else {
                    dir = l.resok.object.data;
                }
            }
            if (found && !java.util.Arrays.equals(dir, h.handle())) {
                problems.add(h.path() + ": LOOKUP by name gives fileid " + Long.toHexString(ItRpcClient.fileIdOf(dir))
                        + ", the held handle has " + Long.toHexString(h.fileid()));
            }
        }
        if (!problems.isEmpty()) {
            fail(when + ", " + problems.size() + " held handle(s) do not resolve as before:\n  "
                    + String.join("\n  ", problems));
        }
    }

    private void failOnDeferred() {
        if (!deferred.isEmpty()) {
            fail(String.join("\n", deferred));
        }
    }

    @Test
    void handlesSurviveACleanRestart() throws Exception {
        Path export = Files.createDirectory(tmp.resolve("export"));
        try (TestServer server = TestServer.start(export, tmp.resolve("state"))) {
            byte[] root = mnt(server.mountPort(), export);
            Map<String, Held> held;
            byte[] verf1;
            try (ItRpcClient c = ItRpcClient.nfs(server.nfsPort())) {
                held = populate(c, root, export);
                verf1 = c.writeOk(held.get("d/f.txt").handle(), 0, "F".getBytes()).verf;
            }
            held.put("d/f.txt", withContent(held.get("d/f.txt"), "File f\n"));

            server.restart();

            assertArrayEquals(root, mnt(server.mountPort(), export), "the root handle is stable");
            try (ItRpcClient c = ItRpcClient.nfs(server.nfsPort())) {
                verify(c, root, held, "after a clean restart");
                byte[] d = held.get("d").handle();
                assertEquals(held.get("d/f.txt").fileid(), c.attrs(c.lookupOk(d, "hard.txt")).fileid,
                        "the hard link has the fileid of its file");
                assertEquals(2, c.attrs(held.get("d/f.txt").handle()).nlink);
                byte[] verf2 = c.writeOk(held.get("d/f.txt").handle(), 0, "f".getBytes()).verf;
                assertFalse(java.util.Arrays.equals(verf1, verf2),
                        "the write verifier must change with a restart, so clients resend uncommitted writes");
            }
        }
        failOnDeferred();
    }

    private static Held withContent(Held h, String content) {
        return new Held(h.path(), h.handle(), h.fileid(), h.type(), content);
    }

    @Test
    void handlesSurviveSigkillIncludingObjectsCreatedJustBefore() throws Exception {
        Path export = Files.createDirectory(tmp.resolve("export"));
        Path state = tmp.resolve("state");
        Path log = tmp.resolve("server.log");
        Map<String, Held> held;
        byte[] root;
        byte[] verf1;
        int nfsPort;
        int mountPort;
        try (ServerProcess first = ServerProcess.start(export, state, 0, 0, log)) {
            nfsPort = first.nfsPort();
            mountPort = first.mountPort();
            root = mnt(mountPort, export);
            try (ItRpcClient c = ItRpcClient.nfs(nfsPort)) {
                held = populate(c, root, export);
                verf1 = c.writeOk(held.get("d/f.txt").handle(), 0, "F".getBytes()).verf;
                held.put("d/f.txt", withContent(held.get("d/f.txt"), "File f\n"));
                // the last objects, created right before the crash (nothing in between gives the
                // server time to persist anything in the background)
                byte[] d = held.get("d").handle();
                held.put("last-fifo", fifo(c, root, "last-fifo", export.resolve("last-fifo"), "last-fifo"));
                byte[] last = c.createOk(root, "last.txt", 0644);
                c.writeOk(last, 0, "created just before the kill\n".getBytes());
                held.put("last.txt", held(c, "last.txt", last, "created just before the kill\n"));
                byte[] lastDir = c.mkdirOk(d, "last-dir", 0755);
                held.put("d/last-dir", held(c, "d/last-dir", lastDir, null));
                SYMLINK3res sl = c.symlink(root, "last-link", "last.txt");
                ItRpcClient.expect(nfs3_prot.NFS3_OK, sl.status, "SYMLINK last-link");
                held.put("last-link", held(c, "last-link", sl.resok.obj.handle.data, "last.txt"));
            }
            first.kill();
        }

        try (ServerProcess second = ServerProcess.start(export, state, nfsPort, mountPort, log)) {
            assertEquals(nfsPort, second.nfsPort());
            assertArrayEquals(root, mnt(mountPort, export), "the root handle is stable");
            try (ItRpcClient c = ItRpcClient.nfs(nfsPort)) {
                verify(c, root, held, "after SIGKILL and a new start");
                byte[] verf2 = c.writeOk(held.get("last.txt").handle(), 0, "C".getBytes()).verf;
                assertFalse(java.util.Arrays.equals(verf1, verf2), "the write verifier must change with a restart");
                // objects made after the restart get fileids never used before
                byte[] fresh = c.createOk(root, "after-restart.txt", 0644);
                long freshId = c.attrs(fresh).fileid;
                for (Held h : held.values()) {
                    assertNotEquals(h.fileid(), freshId, "fileid of a new object reuses that of " + h.path());
                }
            }
        }
        failOnDeferred();
    }

    // ------------------------------------------------------------------ adoption and copies

    private static long xattrId(Path p) throws IOException {
        UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        ByteBuffer b = ByteBuffer.allocate(64);
        v.read("nfsrepl.id", b);
        b.flip();
        return b.getLong();
    }

    @Test
    void objectsMadeOnDiskAreAdoptedAndCpACopiesGetTheirOwnFileid() throws Exception {
        Path export = Files.createDirectory(tmp.resolve("export"));
        Files.writeString(export.resolve("ondisk.txt"), "made on disk\n");
        Files.createDirectories(export.resolve("ondisk-dir"));
        Files.writeString(export.resolve("ondisk-dir/inner.txt"), "inner\n");
        Files.createSymbolicLink(export.resolve("ondisk-link"), Path.of("ondisk.txt"));
        ItCommands.runOk(TOOL_TIMEOUT, "mkfifo", export.resolve("ondisk-fifo").toString());

        try (TestServer server = TestServer.start(export, tmp.resolve("state"))) {
            byte[] root = mnt(server.mountPort(), export);
            Map<String, Long> ids = new HashMap<>();
            byte[] orig;
            byte[] copyHandle;
            try (ItRpcClient c = ItRpcClient.nfs(server.nfsPort())) {
                for (String name : List.of("ondisk.txt", "ondisk-dir", "ondisk-link", "ondisk-fifo")) {
                    byte[] fh = c.lookupOk(root, name);
                    long id = c.attrs(fh).fileid;
                    assertNotEquals(0, id, "adopted fileid of " + name);
                    assertEquals(id, c.attrs(c.lookupOk(root, name)).fileid, "a second LOOKUP of " + name);
                    assertFalse(ids.containsValue(id), "fileid of " + name + " is unique");
                    ids.put(name, id);
                }
                long inner = c.attrs(c.lookupOk(c.lookupOk(root, "ondisk-dir"), "inner.txt")).fileid;
                assertFalse(ids.containsValue(inner));
                for (entry3 e : c.readdir(root, 0, 8192).resok.reply.entries) {
                    if (ids.containsKey(e.name)) {
                        assertEquals((long) ids.get(e.name), e.fileid, "READDIR fileid of " + e.name);
                    }
                }
                assertEquals((long) ids.get("ondisk.txt"), xattrId(export.resolve("ondisk.txt")),
                        "the adopted fileid is kept in user.nfsrepl.id");

                ItCommands.runOk(TOOL_TIMEOUT, "cp", "-a", export.resolve("ondisk.txt").toString(),
                        export.resolve("copy.txt").toString());
                assertEquals((long) ids.get("ondisk.txt"), xattrId(export.resolve("copy.txt")),
                        "cp -a copied the user.nfsrepl.id xattr (else this test proves nothing)");
                orig = c.lookupOk(root, "ondisk.txt");
                copyHandle = c.lookupOk(root, "copy.txt");
                long copyId = c.attrs(copyHandle).fileid;
                assertNotEquals((long) ids.get("ondisk.txt"), copyId, "a cp -a copy must get a fileid of its own");
                assertEquals((long) ids.get("ondisk.txt"), c.attrs(orig).fileid, "the original keeps its fileid");
                ids.put("copy.txt", copyId);

                // the two handles name two objects
                c.writeOk(copyHandle, 0, "COPY".getBytes());
                assertEquals("made on disk\n", new String(c.readAll(orig), StandardCharsets.UTF_8));
                assertEquals("made on disk\n", Files.readString(export.resolve("ondisk.txt")));
                assertEquals("COPY on disk\n", Files.readString(export.resolve("copy.txt")));
            }

            // a copy looked up before its original after a restart
            ItCommands.runOk(TOOL_TIMEOUT, "cp", "-a", export.resolve("ondisk.txt").toString(),
                    export.resolve("copy2.txt").toString());
            server.restart();
            try (ItRpcClient c = ItRpcClient.nfs(server.nfsPort())) {
                long copy2 = c.attrs(c.lookupOk(root, "copy2.txt")).fileid;
                assertFalse(ids.containsValue(copy2), "copy2.txt, looked up first, must get a new fileid");
                for (var e : ids.entrySet()) {
                    assertEquals((long) e.getValue(), c.attrs(c.lookupOk(root, e.getKey())).fileid,
                            "fileid of " + e.getKey() + " after a restart");
                }
                assertEquals("made on disk\n", new String(c.readAll(orig), StandardCharsets.UTF_8));
                assertEquals("COPY on disk\n", new String(c.readAll(copyHandle), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void copyOfAFileRenamedOnDiskDoesNotTakeOverItsHandle() throws Exception {
        Path export = Files.createDirectory(tmp.resolve("export"));
        Files.writeString(export.resolve("original.txt"), "the original\n");
        try (TestServer server = TestServer.start(export, tmp.resolve("state"));
             ItRpcClient c = ItRpcClient.nfs(server.nfsPort())) {
            byte[] root = mnt(server.mountPort(), export);
            byte[] orig = c.lookupOk(root, "original.txt");
            long id = c.attrs(orig).fileid;

            // on the server's disk: mv original.txt moved.txt; cp -a moved.txt copy.txt
            Files.move(export.resolve("original.txt"), export.resolve("moved.txt"));
            ItCommands.runOk(TOOL_TIMEOUT, "cp", "-a", export.resolve("moved.txt").toString(),
                    export.resolve("copy.txt").toString());
            Files.writeString(export.resolve("copy.txt"), "the copy\n");

            long copyId = c.attrs(c.lookupOk(root, "copy.txt")).fileid;
            assertNotEquals(id, copyId, "copy.txt (a cp -a copy of the renamed original) took the original's fileid");
            fattr3 a = c.attrs(orig);
            assertEquals(id, a.fileid, "the held handle of the original");
            assertEquals("the original\n", new String(c.readAll(orig), StandardCharsets.UTF_8),
                    "the held handle of the original must still read the original");
            assertEquals(id, c.attrs(c.lookupOk(root, "moved.txt")).fileid, "moved.txt keeps the original's fileid");
        }
    }

    // ------------------------------------------------------------------ special files over NFS

    @Test
    void mknodOfAFifoAnswersWithoutWaitingForAWriter() throws Exception {
        Path export = Files.createDirectory(tmp.resolve("export"));
        try (TestServer server = TestServer.start(export, tmp.resolve("state"));
             ItRpcClient c = ItRpcClient.nfs(server.nfsPort())) {
            byte[] root = mnt(server.mountPort(), export);
            ItRpcClient.FifoCreation made = c.mkfifoGuarded(root, "fifo", 0600, export.resolve("fifo"), FIFO_PATIENCE);
            assertFalse(made.hung(), "MKNOD of a FIFO got no reply within " + FIFO_PATIENCE.toSeconds() + " s (it came "
                    + "only once the test opened the FIFO for writing): the server blocks in open(2) of the new FIFO");
            ItRpcClient.expect(nfs3_prot.NFS3_OK, made.result().status, "MKNOD FIFO");
            assertTrue(Files.exists(export.resolve("fifo"), LinkOption.NOFOLLOW_LINKS));
            assertEquals(nfs3_prot.NF3FIFO, made.result().resok.obj_attributes.attributes.type);
        }
    }

    @Test
    void mknodOfASocketSucceeds() throws Exception {
        Path export = Files.createDirectory(tmp.resolve("export"));
        try (TestServer server = TestServer.start(export, tmp.resolve("state"));
             ItRpcClient c = ItRpcClient.nfs(server.nfsPort())) {
            byte[] root = mnt(server.mountPort(), export);
            MKNOD3res r = c.mksock(root, "sock", 0600);
            ItRpcClient.expect(nfs3_prot.NFS3_OK, r.status, "MKNOD NF3SOCK");
            assertEquals(nfs3_prot.NF3SOCK, c.attrs(r.resok.obj.handle.data).type);
            assertEquals(0600, c.attrs(r.resok.obj.handle.data).mode);
        }
    }
}
