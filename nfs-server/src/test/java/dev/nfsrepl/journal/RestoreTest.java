package dev.nfsrepl.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.SetAttr;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.NoEntException;
import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.replication.log.LogConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restores checked against the tree itself: a random workload runs on a journaled export, and at
 * points along the way the subtrees of the live tree are described; afterwards each one restored
 * "as of" the record where it was described must be described the same (FileIds aside: the
 * copies get fresh ones; hard links are compared as links).
 */
class RestoreTest {

    static final Identity WHO = new Identity(0, 0, new int[0]).from(InetAddress.getLoopbackAddress(), 7);

    @TempDir
    Path tmp;
    final Clock clock = Clock.systemUTC();
    LocalFileSystem local;
    Journal journal;
    RecordingFileSystem fs;

    @BeforeEach
    void open() throws IOException {
        open(LogConfig.DEFAULTS);
    }

    void open(LogConfig config) throws IOException {
        if (journal != null) {
            journal.close();
            local.close();
        }
        Path dir = Files.createTempDirectory(tmp, "node");
        Files.createDirectories(dir.resolve("export"));
        local = new LocalFileSystem(dir.resolve("export"), dir.resolve("state"), clock).start();
        local.setSyncMetadata(false);
        journal = Journal.open(dir.resolve("journal"), local, config, clock);
        fs = new RecordingFileSystem(local, journal);
    }

    @AfterEach
    void close() throws IOException {
        journal.close();
        local.close();
    }

    /** A subtree described at a record. */
    record Seen(String path, long seq, SortedMap<String, String> described) {
    }

    SortedMap<String, String> described(String path) throws FsException {
        return TreeDigest.withoutIds(TreeDigest.describe(fs, TreeCopy.resolve(fs, path)));
    }

    Restore.Result restore(String path, long seq, String into, boolean force) throws Exception {
        return new Restore(journal.source(), fs, clock).run(new Restore.Request(path, seq, null, into, force),
                new Restore.Progress() {
                    @Override
                    public void phase(String name, long total) {
                    }

                    @Override
                    public void step() {
                    }
                });
    }

    @Test
    void everySubtreeRestoredAsOfARecordIsAsItWasThen() throws Exception {
        long root = fs.rootId();
        List<Long> dirs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            dirs.add(fs.mkdir(WHO, root, "d" + i, SetAttr.NONE));
        }
        Random rnd = new Random(42);
        List<Seen> seen = new ArrayList<>();
        for (int i = 1; i <= 3000; i++) {
            try {
                RandomWorkload.op(fs, WHO, rnd, root, dirs);
            } catch (FsException e) {
                // a name that is not there, and so on
            }
            if (i % 750 == 0) {
                long seq = journal.log().lastSeq();
                for (String d : List.of("/", "/d0", "/d1", "/d2", "/d3")) {
                    seen.add(new Seen(d, seq, described(d)));
                }
                for (long s : List.of(0L, 1L, 2L)) { // a subdirectory, when there is one
                    try {
                        String sub = "/d" + s + "/s" + rnd.nextInt(6);
                        if (fs.getattr(TreeCopy.resolve(fs, sub)).type() == FileType.DIRECTORY) {
                            seen.add(new Seen(sub, seq, described(sub)));
                        }
                    } catch (NoEntException e) {
                        // none there now
                    }
                }
            }
        }
        assertTrue(seen.size() >= 20, seen.size() + " subtrees seen");
        int k = 0;
        for (Seen s : seen) {
            String into = "/restored/" + k++;
            Restore.Result r = restore(s.path(), s.seq(), into, false);
            assertEquals(s.described(), described(into), "restore of " + s.path() + " as of #" + s.seq() + ": " + r);
            assertEquals(0, r.problemCount(), r.problems().toString());
            if (!s.path().equals("/")) {
                assertTrue(r.recordsLeftOut() > 0, "records of other files are left out: " + r);
            }
        }
    }

    @Test
    void aCheckpointMadeWhileClientsWriteIsTheTreeAsOfItsRecord() throws Exception {
        long root = fs.rootId();
        List<Long> dirs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            dirs.add(fs.mkdir(WHO, root, "d" + i, SetAttr.NONE));
        }
        Random rnd = new Random(7);
        for (int i = 0; i < 1500; i++) {
            try {
                RandomWorkload.op(fs, WHO, rnd, root, dirs);
            } catch (FsException e) {
                // refused
            }
        }
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread writer = new Thread(() -> {
            Random r2 = new Random(8);
            while (!stop.get()) {
                try {
                    RandomWorkload.op(fs, WHO, r2, root, dirs);
                } catch (FsException e) {
                    // refused
                }
            }
        });
        Checkpoints.Info first = journal.checkpoints().make(journal, Restore.Progress.NONE);
        assertEquals(0, first.startSeq(), "the first one is made from the journal alone: " + first);
        writer.start();
        Checkpoints.Info cp;
        try {
            while (journal.log().lastSeq() < first.seq() + 300) {
                Thread.onSpinWait(); // the writer is going
            }
            cp = journal.checkpoints().make(journal, Restore.Progress.NONE);
        } finally {
            stop.set(true);
            writer.join();
        }
        assertEquals(first.seq(), cp.startSeq(), "the second one is made from the first: " + cp);
        assertTrue(journal.log().lastSeq() > cp.seq(), "records were written while it was made");
        // the tree as of the checkpoint's record, rebuilt from the journal alone
        Path replay = Files.createTempDirectory(tmp, "replay");
        Files.createDirectories(replay.resolve("tree"));
        try (LocalFileSystem expected = new LocalFileSystem(replay.resolve("tree"), replay.resolve("state"), clock)
                .withIdentity(local.rootId(), local.generation()).start();
             LocalFileSystem copy = new LocalFileSystem(cp.tree(), cp.state(), clock)
                     .withIdentity(local.rootId(), local.generation()).start()) {
            Replay.run(journal.log(), 1, cp.seq(), new RecordApplier(expected), (r, e) -> {
                throw new AssertionError(r + ": " + e);
            }, r -> { });
            List<String> want = TreeDigest.lines(expected);
            List<String> got = TreeDigest.lines(copy);
            List<String> missing = new ArrayList<>(want);
            missing.removeAll(got);
            List<String> extra = new ArrayList<>(got);
            extra.removeAll(want);
            assertEquals(want, got, "the checkpoint " + cp + " lacks " + missing + " and has " + extra);
        }
        assertEquals(List.of(first, cp), journal.checkpoints().list());
    }

    @Test
    void theFirstCheckpointOfAnExportThatHeldFilesIsAWalkOfItsTree() throws Exception {
        journal.close();
        local.close();
        journal = null;
        Path dir = Files.createTempDirectory(tmp, "existing");
        Path export = Files.createDirectories(dir.resolve("export"));
        Files.createDirectories(export.resolve("old/deep"));
        Files.writeString(export.resolve("old/deep/file"), "made before the journal");
        Files.createSymbolicLink(export.resolve("old/link"), Path.of("deep/file"));
        Files.createLink(export.resolve("old/hard"), export.resolve("old/deep/file"));
        local = new LocalFileSystem(export, dir.resolve("state"), clock).start();
        local.setSyncMetadata(false);
        journal = Journal.open(dir.resolve("journal"), local, LogConfig.DEFAULTS, clock);
        fs = new RecordingFileSystem(local, journal);
        assertTrue(!journal.startedEmpty());
        fs.write(WHO, fs.create(WHO, fs.rootId(), "new", dev.nfsrepl.fs.CreateMode.GUARDED, SetAttr.mode(0644), null), 0,
                RecordingFileSystemTest.bytes("made after"), dev.nfsrepl.fs.Stability.FILE_SYNC);
        Checkpoints.Info cp = journal.checkpoints().make(journal, Restore.Progress.NONE);
        try (LocalFileSystem copy = new LocalFileSystem(cp.tree(), cp.state(), clock)
                .withIdentity(local.rootId(), local.generation()).start()) {
            assertEquals(TreeDigest.lines(fs), TreeDigest.lines(copy));
        }
        assertEquals(6, cp.objects(), cp.toString()); // old, old/deep, old/deep/file, old/link, old/hard, new
        // and a restore of what the journal alone could not rebuild
        Restore.Result r = restore("/old", journal.log().lastSeq(), "/old-again", false);
        assertEquals(described("/old"), described("/old-again"));
        assertEquals(cp.seq(), r.checkpoint());
    }

    @Test
    void restoresStartFromTheNewestCheckpointOnceRetentionDeletedTheRecordsBeforeIt() throws Exception {
        open(new LogConfig(64 << 10, 64 << 10, java.time.Duration.ofDays(365), 4 << 10));
        long root = fs.rootId();
        List<Long> dirs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            dirs.add(fs.mkdir(WHO, root, "d" + i, SetAttr.NONE));
        }
        Random rnd = new Random(9);
        long early = 0;
        for (int i = 1; i <= 2000; i++) {
            try {
                RandomWorkload.op(fs, WHO, rnd, root, dirs);
            } catch (FsException e) {
                // refused
            }
            if (i == 500) {
                early = journal.log().lastSeq();
            }
        }
        Checkpoints.Info cp = journal.checkpoints().make(journal, Restore.Progress.NONE);
        List<Seen> seen = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            try {
                RandomWorkload.op(fs, WHO, rnd, root, dirs);
            } catch (FsException e) {
                // refused
            }
            if (i % 500 == 0) {
                for (String d : List.of("/", "/d1", "/d3")) {
                    seen.add(new Seen(d, journal.log().lastSeq(), described(d)));
                }
            }
        }
        journal.log().applyRetention(cp.seq() + 1);
        assertTrue(journal.log().firstSeq() > early, "retention deleted the early records: " + journal.log().firstSeq());
        int k = 0;
        for (Seen s : seen) {
            Restore.Result r = restore(s.path(), s.seq(), "/from-checkpoint/" + k++, false);
            assertEquals(s.described(), described("/from-checkpoint/" + (k - 1)), "restore of " + s.path() + " as of #"
                    + s.seq() + " from checkpoint #" + cp.seq() + ": " + r);
        }
        long tooEarly = early;
        RestoreException e = assertThrows(RestoreException.class, () -> restore("/d1", tooEarly, "/x", false));
        assertEquals(RestoreException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("no checkpoint is followed by the records"), e.getMessage());
    }

    @Test
    void aFileMovedIntoThePathIsRestoredWithTheWritesItGotUnderItsOldName() throws Exception {
        long root = fs.rootId();
        long proj = fs.mkdir(WHO, root, "proj", SetAttr.NONE);
        long other = fs.mkdir(WHO, root, "other", SetAttr.NONE);
        long f = fs.create(WHO, other, "draft", dev.nfsrepl.fs.CreateMode.GUARDED, SetAttr.mode(0644), null);
        fs.write(WHO, f, 0, RecordingFileSystemTest.bytes("written in /other;"), dev.nfsrepl.fs.Stability.UNSTABLE);
        fs.rename(WHO, other, "draft", proj, "final");
        fs.write(WHO, f, 18, RecordingFileSystemTest.bytes(" then in /proj"), dev.nfsrepl.fs.Stability.FILE_SYNC);
        SortedMap<String, String> before = described("/proj");
        long seq = journal.log().lastSeq();
        fs.remove(WHO, proj, "final");
        fs.rmdir(WHO, root, "proj");

        Restore.Result r = restore("/proj", seq, "/back", false);
        assertEquals(before, described("/back"));
        long copy = fs.lookup(WHO, fs.lookup(WHO, root, "back"), "final");
        assertEquals("written in /other; then in /proj", new String(readAll(copy)));
        assertTrue(copy != f, "the copy has a fresh FileId");
        assertEquals(1, r.copied().files());
    }

    @Test
    void aTargetThatIsNotEmptyIsRefusedWithoutForceAndMergedWithIt() throws Exception {
        long root = fs.rootId();
        long proj = fs.mkdir(WHO, root, "proj", SetAttr.NONE);
        fs.create(WHO, proj, "a", dev.nfsrepl.fs.CreateMode.GUARDED, SetAttr.mode(0644), null);
        long seq = journal.log().lastSeq();
        long target = fs.mkdir(WHO, root, "target", SetAttr.NONE);
        long other = fs.create(WHO, target, "other", dev.nfsrepl.fs.CreateMode.GUARDED, SetAttr.mode(0644), null);
        fs.write(WHO, fs.create(WHO, target, "a", dev.nfsrepl.fs.CreateMode.GUARDED, SetAttr.mode(0600), null), 0,
                RecordingFileSystemTest.bytes("to be replaced"), dev.nfsrepl.fs.Stability.FILE_SYNC);

        RestoreException e = assertThrows(RestoreException.class, () -> restore("/proj", seq, "/target", false));
        assertEquals(RestoreException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("/target is not empty"), e.getMessage());

        restore("/proj", seq, "/target", true);
        assertEquals(other, fs.lookup(WHO, target, "other"), "an entry the restored tree does not have stays");
        assertEquals(0, fs.getattr(fs.lookup(WHO, target, "a")).size());
        assertEquals(0644, fs.getattr(fs.lookup(WHO, target, "a")).mode());
    }

    @Test
    void pathsThatWouldLeaveTheExportAndPathsThatDidNotExistAreRefused() throws Exception {
        long seq = journal.log().lastSeq();
        RestoreException dots = assertThrows(RestoreException.class, () -> restore("/a", seq, "/x/../../etc", false));
        assertEquals(RestoreException.Kind.BAD_REQUEST, dots.kind());
        RestoreException relative = assertThrows(RestoreException.class, () -> restore("a", seq, "/x", false));
        assertEquals(RestoreException.Kind.BAD_REQUEST, relative.kind());
        fs.mkdir(WHO, fs.rootId(), "later", SetAttr.NONE);
        RestoreException missing = assertThrows(RestoreException.class, () -> restore("/later", seq, "/x", false));
        assertEquals(RestoreException.Kind.NOT_FOUND, missing.kind());
        assertTrue(missing.getMessage().contains("/later did not exist at #" + seq), missing.getMessage());
    }

    private byte[] readAll(long id) throws FsException {
        java.nio.ByteBuffer b = fs.read(Identity.ROOT, id, 0, 1 << 20).data();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }
}
