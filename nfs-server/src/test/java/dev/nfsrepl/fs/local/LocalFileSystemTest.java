package dev.nfsrepl.fs.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.fs.Attr;
import dev.nfsrepl.fs.Blocking;
import dev.nfsrepl.fs.CreateMode;
import dev.nfsrepl.fs.DirEntry;
import dev.nfsrepl.fs.DirPage;
import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.SetAttr;
import dev.nfsrepl.fs.Stability;
import dev.nfsrepl.fs.TimeSpec;
import dev.nfsrepl.fs.error.BadTypeException;
import dev.nfsrepl.fs.error.ExistException;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.IsDirException;
import dev.nfsrepl.fs.error.NoEntException;
import dev.nfsrepl.fs.error.NotDirException;
import dev.nfsrepl.fs.error.NotEmptyException;
import dev.nfsrepl.fs.error.NotSyncException;
import dev.nfsrepl.fs.error.StaleException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFileSystemTest {

    private static final Identity ROOT = Identity.ROOT;

    @TempDir
    Path tmp;
    Path export;
    Path state;
    LocalFileSystem fs;

    @BeforeEach
    void open() throws IOException {
        export = Files.createDirectories(tmp.resolve("export"));
        state = tmp.resolve("state");
        fs = new LocalFileSystem(export, state, Clock.systemUTC()).start();
    }

    @AfterEach
    void close() {
        fs.close();
    }

    private void reopen() throws IOException {
        fs.close();
        fs = new LocalFileSystem(export, state, Clock.systemUTC()).start();
    }

    private long file(String name, String content) throws Exception {
        long id = fs.create(ROOT, fs.rootId(), name, CreateMode.GUARDED, SetAttr.mode(0644), null);
        fs.write(ROOT, id, 0, ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), Stability.FILE_SYNC);
        return id;
    }

    private String content(long id) throws Exception {
        var r = fs.read(ROOT, id, 0, 1 << 20);
        return StandardCharsets.UTF_8.decode(r.data()).toString();
    }

    @Test
    void fileIdsAreStoredWithTheFileAndSurviveARestart() throws Exception {
        long root = fs.rootId();
        long id = file("a", "hello");
        long dir = fs.mkdir(ROOT, root, "d", SetAttr.NONE);
        long sub = fs.create(ROOT, dir, "b", CreateMode.UNCHECKED, SetAttr.NONE, null);
        assertEquals(id, fs.lookup(ROOT, root, "a"));
        assertEquals(id, fs.getattr(id).fileId());
        assertEquals(id, Xattrs.readLong(export.resolve("a"), Xattrs.FILE_ID));
        assertNotEquals(Files.getAttribute(export.resolve("a"), "unix:ino"), id);

        reopen();
        assertEquals(root, fs.rootId());
        // handles resolve without any lookup after the restart
        assertEquals("hello", content(id));
        assertEquals(FileType.REGULAR, fs.getattr(sub).type());
        assertEquals(dir, fs.lookup(ROOT, sub == 0 ? root : dir, "."));
        assertEquals(sub, fs.lookup(ROOT, dir, "b"));
        assertEquals(root, fs.lookup(ROOT, dir, ".."));
    }

    @Test
    void noBookkeepingFileAppearsInTheExport() throws Exception {
        file("a", "x");
        fs.symlink(ROOT, fs.rootId(), "l", "a", SetAttr.NONE);
        reopen();
        try (var s = Files.list(export)) {
            assertEquals(Set.of("a", "l"), s.map(p -> p.getFileName().toString()).collect(
                    java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void hardLinksShareAFileId() throws Exception {
        long id = file("a", "x");
        fs.link(ROOT, id, fs.rootId(), "b");
        assertEquals(id, fs.lookup(ROOT, fs.rootId(), "b"));
        assertEquals(2, fs.getattr(id).nlink());
        fs.remove(ROOT, fs.rootId(), "a");
        assertEquals(1, fs.getattr(id).nlink(), "the remaining name still resolves by FileId");
        reopen();
        assertEquals("x", content(id));
    }

    @Test
    void symlinksFifosAndSocketsGetIdsFromTheIndex() throws Exception {
        long l = fs.symlink(ROOT, fs.rootId(), "l", "/etc/passwd", SetAttr.NONE);
        long f = fs.mknod(ROOT, fs.rootId(), "fifo", FileType.FIFO, SetAttr.mode(0600));
        long s = fs.mknod(ROOT, fs.rootId(), "sock", FileType.SOCKET, SetAttr.NONE);
        assertEquals(FileType.SYMLINK, fs.getattr(l).type());
        assertEquals(FileType.FIFO, fs.getattr(f).type());
        assertEquals(0600, fs.getattr(f).mode());
        assertEquals(FileType.SOCKET, fs.getattr(s).type());
        assertEquals("/etc/passwd", fs.readlink(ROOT, l));
        assertThrows(BadTypeException.class,
                () -> fs.mknod(ROOT, fs.rootId(), "blk", FileType.BLOCK_DEVICE, SetAttr.NONE));
        reopen();
        assertEquals(l, fs.lookup(ROOT, fs.rootId(), "l"));
        assertEquals(f, fs.lookup(ROOT, fs.rootId(), "fifo"));
        assertEquals("/etc/passwd", fs.readlink(ROOT, l));
        // the server never follows the link: it is an object of its own
        assertThrows(NotDirException.class, () -> fs.lookup(ROOT, l, "passwd"));
    }

    @Test
    void objectsMadeOnDiskAreAdoptedAndCopiesGetFreshIds() throws Exception {
        Files.writeString(export.resolve("ondisk"), "made outside");
        long id = fs.lookup(ROOT, fs.rootId(), "ondisk");
        assertEquals(id, Xattrs.readLong(export.resolve("ondisk"), Xattrs.FILE_ID));
        Process cp = new ProcessBuilder("cp", "-a", export.resolve("ondisk").toString(),
                export.resolve("copy").toString()).inheritIO().start();
        assertTrue(cp.waitFor(30, TimeUnit.SECONDS) && cp.exitValue() == 0, "cp -a failed");
        assertEquals(id, Xattrs.readLong(export.resolve("copy"), Xattrs.FILE_ID), "cp -a copies the xattr");
        long copy = fs.lookup(ROOT, fs.rootId(), "copy");
        assertNotEquals(id, copy);
        assertEquals(id, fs.lookup(ROOT, fs.rootId(), "ondisk"));
        assertEquals(copy, fs.lookup(ROOT, fs.rootId(), "copy"));
        assertEquals("made outside", content(copy));
    }

    @Test
    void adoptionOnANetworkThreadIsRefusedBeforeItChangesAnything() throws Exception {
        Files.writeString(export.resolve("ondisk"), "made outside");
        assertThrows(Blocking.WouldBlockException.class, () -> Blocking.forbidden(() -> {
            try {
                return fs.lookup(ROOT, fs.rootId(), "ondisk");
            } catch (FsException e) {
                throw new AssertionError(e);
            }
        }));
        assertNull(Xattrs.read(export.resolve("ondisk"), Xattrs.FILE_ID), "no FileId was assigned");
        long id = fs.lookup(ROOT, fs.rootId(), "ondisk"); // on a worker: adopted
        assertEquals(id, Xattrs.readLong(export.resolve("ondisk"), Xattrs.FILE_ID));
        assertEquals(id, (long) Blocking.forbidden(() -> {
            try {
                return fs.lookup(ROOT, fs.rootId(), "ondisk"); // known now: answered without waiting
            } catch (FsException e) {
                throw new AssertionError(e);
            }
        }));
    }

    @Test
    void createGivesTheOwnerBeforeTheModeSoSetuidSurvives() throws Exception {
        long id = fs.create(ROOT, fs.rootId(), "suid", CreateMode.GUARDED,
                new SetAttr(04755, 1000, 1000, null, null, null), null);
        Attr a = fs.getattr(id);
        assertEquals(04755, a.mode());
        assertEquals(1000, a.uid());
        assertEquals(1000, a.gid());
        long plain = fs.create(ROOT, fs.rootId(), "plain", CreateMode.GUARDED, SetAttr.mode(0644), null);
        assertEquals(0644, fs.getattr(plain).mode());
        assertEquals(0, fs.getattr(plain).uid());
    }

    @Test
    void readdirCookiesStayValidWhileEntriesAreRemoved() throws Exception {
        long dir = fs.mkdir(ROOT, fs.rootId(), "big", SetAttr.NONE);
        Path d = export.resolve("big");
        for (int i = 0; i < 2000; i++) {
            Files.createFile(d.resolve("f" + i));
        }
        Set<String> seen = new HashSet<>();
        long cookie = 0;
        boolean eof = false;
        while (!eof) {
            DirPage page = fs.readdir(ROOT, dir, cookie, 97, true);
            for (DirEntry e : page.entries()) {
                assertTrue(seen.add(e.name()), "seen twice: " + e.name());
                cookie = e.cookie();
                if (!e.name().equals(".") && !e.name().equals("..")) {
                    fs.remove(ROOT, dir, e.name()); // rm -rf deletes what it has read before reading on
                }
            }
            eof = page.eof();
        }
        assertEquals(2002, seen.size());
        fs.rmdir(ROOT, fs.rootId(), "big");
        assertFalse(Files.exists(d));
    }

    @Test
    void readdirNoticesChangesMadeOutsideTheServer() throws Exception {
        long dir = fs.mkdir(ROOT, fs.rootId(), "d", SetAttr.NONE);
        assertEquals(2, fs.readdir(ROOT, dir, 0, 100, false).entries().size());
        Files.createFile(export.resolve("d/new"));
        Files.setLastModifiedTime(export.resolve("d"), java.nio.file.attribute.FileTime.fromMillis(12345));
        List<DirEntry> entries = fs.readdir(ROOT, dir, 0, 100, false).entries();
        assertEquals(List.of(".", "..", "new"), entries.stream().map(DirEntry::name).toList());
    }

    @Test
    void renameReplacesTheTargetAtomically() throws Exception {
        long a = file("a", "new content");
        long b = file("b", "old content");
        fs.rename(ROOT, fs.rootId(), "a", fs.rootId(), "b");
        assertEquals(a, fs.lookup(ROOT, fs.rootId(), "b"));
        assertEquals("new content", content(a));
        assertThrows(NoEntException.class, () -> fs.lookup(ROOT, fs.rootId(), "a"));
        assertThrows(StaleException.class, () -> fs.getattr(b));
        reopen();
        assertEquals("new content", content(a));
    }

    @Test
    void renameOfADirectoryIntoItselfIsRefused() throws Exception {
        long d = fs.mkdir(ROOT, fs.rootId(), "d", SetAttr.NONE);
        long sub = fs.mkdir(ROOT, d, "sub", SetAttr.NONE);
        assertThrows(dev.nfsrepl.fs.error.InvalException.class,
                () -> fs.rename(ROOT, fs.rootId(), "d", sub, "d"));
        assertTrue(Files.isDirectory(export.resolve("d/sub")));
    }

    @Test
    void removeAndRmdirKeepToTheirTypes() throws Exception {
        long d = fs.mkdir(ROOT, fs.rootId(), "d", SetAttr.NONE);
        file("f", "x");
        assertThrows(IsDirException.class, () -> fs.remove(ROOT, fs.rootId(), "d"));
        assertTrue(Files.isDirectory(export.resolve("d")), "REMOVE must not delete an empty directory");
        assertThrows(NotDirException.class, () -> fs.rmdir(ROOT, fs.rootId(), "f"));
        fs.create(ROOT, d, "x", CreateMode.UNCHECKED, SetAttr.NONE, null);
        assertThrows(NotEmptyException.class, () -> fs.rmdir(ROOT, fs.rootId(), "d"));
        fs.remove(ROOT, d, "x");
        fs.rmdir(ROOT, fs.rootId(), "d");
        assertThrows(StaleException.class, () -> fs.getattr(d));
    }

    @Test
    void createModes() throws Exception {
        byte[] verf = {1, 2, 3, 4, 5, 6, 7, 8};
        long e = fs.create(ROOT, fs.rootId(), "x", CreateMode.EXCLUSIVE, SetAttr.NONE, verf);
        assertEquals(e, fs.create(ROOT, fs.rootId(), "x", CreateMode.EXCLUSIVE, SetAttr.NONE, verf.clone()),
                "a retransmitted exclusive create succeeds");
        assertThrows(ExistException.class, () -> fs.create(ROOT, fs.rootId(), "x", CreateMode.EXCLUSIVE,
                SetAttr.NONE, new byte[8]));
        assertThrows(ExistException.class, () -> fs.create(ROOT, fs.rootId(), "x", CreateMode.GUARDED,
                SetAttr.NONE, null));
        fs.setattr(ROOT, e, SetAttr.mode(0640), null);
        assertThrows(ExistException.class, () -> fs.create(ROOT, fs.rootId(), "x", CreateMode.EXCLUSIVE,
                SetAttr.NONE, verf), "the verifier is gone after the first SETATTR");
        fs.write(ROOT, e, 0, ByteBuffer.wrap(new byte[100]), Stability.UNSTABLE);
        long u = fs.create(ROOT, fs.rootId(), "x", CreateMode.UNCHECKED,
                new SetAttr(null, null, null, 0L, null, null), null);
        assertEquals(e, u);
        assertEquals(0, fs.getattr(u).size(), "UNCHECKED with size 0 truncates");
        assertEquals(0640, fs.getattr(u).mode());
    }

    @Test
    void setattrTruncatesExtendsAndHonoursTheGuard() throws Exception {
        long id = file("f", "0123456789");
        Attr before = fs.getattr(id);
        fs.setattr(ROOT, id, new SetAttr(null, null, null, 4L, null, null), before.ctimeNanos());
        assertEquals("0123", content(id));
        fs.setattr(ROOT, id, new SetAttr(null, null, null, 8L, null, null), null);
        assertEquals(8, fs.getattr(id).size());
        assertEquals("0123\0\0\0\0", content(id));
        assertThrows(NotSyncException.class, () -> fs.setattr(ROOT, id, SetAttr.mode(0600), before.ctimeNanos()));
        long t = 1_600_000_000_123_456_789L;
        Attr a = fs.setattr(ROOT, id, new SetAttr(null, 1000, 1000, null, TimeSpec.at(t), TimeSpec.at(t)), null);
        assertEquals(t, a.mtimeNanos());
        assertEquals(t, a.atimeNanos());
        assertEquals(1000, a.uid());
        assertEquals(1000, (int) Files.getAttribute(export.resolve("f"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void newObjectsBelongToTheCaller() throws Exception {
        Identity alice = new Identity(1000, 1001, new int[0]);
        long id = fs.create(alice, fs.rootId(), "mine", CreateMode.GUARDED, SetAttr.mode(0600), null);
        Attr a = fs.getattr(id);
        assertEquals(1000, a.uid());
        assertEquals(1001, a.gid());
        assertEquals(0600, a.mode(), "mode is set exactly, whatever the umask");
    }

    @Test
    void commitWaitsForWritesAndSyncs() throws Exception {
        long id = file("f", "");
        Map<Long, byte[]> written = new HashMap<>();
        for (int i = 0; i < 16; i++) {
            byte[] block = new byte[4096];
            java.util.Arrays.fill(block, (byte) i);
            fs.write(ROOT, id, i * 4096L, ByteBuffer.wrap(block), Stability.UNSTABLE);
            written.put(i * 4096L, block);
        }
        fs.commit(ROOT, id);
        for (var e : written.entrySet()) {
            var r = fs.read(ROOT, id, e.getKey(), 4096);
            byte[] got = new byte[r.data().remaining()];
            r.data().get(got);
            assertArrayEquals(e.getValue(), got);
        }
        assertTrue(fs.read(ROOT, id, 15 * 4096L, 4096).eof());
    }

    @Test
    void fileIdsNeverRepeatAcrossRestarts() throws Exception {
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            assertTrue(ids.add(fs.create(ROOT, fs.rootId(), "f" + i, CreateMode.GUARDED, SetAttr.NONE, null)));
            reopen();
        }
        assertTrue(ids.stream().allMatch(id -> id >>> FileIdAllocator.EPOCH_SHIFT == 1), "epoch 1 in the high bits");
    }

    @Test
    void theStateDirectoryMayNotBeInsideTheExport() {
        var bad = new LocalFileSystem(export, export.resolve(".state"), Clock.systemUTC());
        assertThrows(IOException.class, bad::start);
    }
}
