package dev.nfsrepl.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.fs.CreateMode;
import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.SetAttr;
import dev.nfsrepl.fs.Stability;
import dev.nfsrepl.fs.TimeSpec;
import dev.nfsrepl.fs.error.ExistException;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.InvalException;
import dev.nfsrepl.fs.error.NoEntException;
import dev.nfsrepl.fs.error.NotEmptyException;
import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.replication.log.LogConfig;
import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.record.Attrs;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.OpType;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingFileSystemTest {

    static final Identity WHO = new Identity(0, 0, new int[0]).from(InetAddress.getLoopbackAddress(), 0x1234);

    @TempDir
    Path tmp;
    final Clock clock = Clock.systemUTC();
    LocalFileSystem local;
    Journal journal;
    RecordingFileSystem fs;
    int replays;

    @BeforeEach
    void open() throws IOException {
        Files.createDirectories(tmp.resolve("export"));
        local = new LocalFileSystem(tmp.resolve("export"), tmp.resolve("state"), clock).start();
        local.setSyncMetadata(false);
        journal = Journal.open(tmp.resolve("journal"), local, LogConfig.DEFAULTS, clock);
        fs = new RecordingFileSystem(local, journal);
    }

    @AfterEach
    void close() throws IOException {
        if (journal != null) {
            journal.close();
        }
        local.close();
    }

    /** The tree the journal alone rebuilds in an empty directory. */
    List<String> replayed() throws IOException, FsException {
        Path dir = Files.createDirectories(tmp.resolve("replay-" + ++replays));
        try (LocalFileSystem target = new LocalFileSystem(dir, tmp.resolve("replay-state-" + replays), clock)
                .withIdentity(local.rootId(), local.generation()).start()) {
            target.setSyncMetadata(false);
            Replay.Result r = Replay.run(journal.log(), 1, journal.log().lastSeq(), new RecordApplier(target),
                    (rec, e) -> {
                        throw new AssertionError("replaying " + rec + " failed: " + e);
                    }, rec -> { });
            assertEquals(0, r.superseded() + r.alreadyDone(), "replay into an empty tree applies everything: " + r);
            return TreeDigest.lines(target);
        }
    }

    List<OpRecord> records() throws IOException {
        List<OpRecord> out = new ArrayList<>();
        try (LogCursor c = journal.log().readFromSeq(1)) {
            for (OpRecord r; (r = c.next()) != null; ) {
                out.add(r);
            }
        }
        return out;
    }

    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyOperationIsRecordedAndTheJournalAloneRebuildsTheTree() throws Exception {
        long root = fs.rootId();
        long a = fs.mkdir(WHO, root, "a", SetAttr.NONE);
        long b = fs.mkdir(WHO, root, "b", SetAttr.mode(0750));
        long f = fs.create(WHO, a, "f", CreateMode.GUARDED, SetAttr.mode(0640), null);
        fs.write(WHO, f, 0, bytes("hello, world\n"), Stability.FILE_SYNC);
        fs.write(WHO, f, 1L << 20, bytes("sparse"), Stability.UNSTABLE);
        fs.commit(WHO, f);
        fs.setattr(WHO, f, new SetAttr(0600, 1000, 1000, 5L, TimeSpec.at(1_000_000_000L), null), null);
        fs.setattr(WHO, f, new SetAttr(null, null, null, null, null, TimeSpec.SERVER), null);
        fs.symlink(WHO, a, "link", "../b/x", SetAttr.NONE);
        fs.mknod(WHO, b, "fifo", FileType.FIFO, SetAttr.mode(0600));
        fs.link(WHO, f, b, "hard");
        long g = fs.create(WHO, b, "g", CreateMode.UNCHECKED, SetAttr.NONE, null);
        fs.write(WHO, g, 0, bytes("replaced soon"), Stability.UNSTABLE);
        fs.rename(WHO, a, "f", b, "g"); // replaces g
        fs.rename(WHO, root, "a", b, "a2"); // a directory into another
        long e = fs.create(WHO, root, "excl", CreateMode.EXCLUSIVE, SetAttr.NONE, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertEquals(e, fs.create(WHO, root, "excl", CreateMode.EXCLUSIVE, SetAttr.NONE,
                new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), "a retransmitted exclusive create succeeds");
        fs.create(WHO, b, "hard", CreateMode.UNCHECKED, new SetAttr(null, null, null, 2L, null, null), null);
        fs.remove(WHO, b, "fifo");
        long empty = fs.mkdir(WHO, root, "empty", SetAttr.NONE);
        fs.rmdir(WHO, root, "empty");
        journal.mark("after every kind of change"); // a named restore point: changes nothing
        // a lock client the status monitor watches: changes nothing in the tree either
        journal.monitor(new dev.nfsrepl.replication.record.Op.Monitor("client-a", "10.0.0.2", "10.0.0.1", true));

        assertEquals(TreeDigest.lines(fs), replayed());
        List<OpRecord> rs = records();
        Set<OpType> seen = EnumSet.noneOf(OpType.class);
        rs.forEach(r -> seen.add(r.type()));
        assertEquals(EnumSet.complementOf(EnumSet.of(OpType.ADOPT, OpType.ABORT)), seen);
        OpRecord mkdir = rs.get(0);
        assertEquals(0x1234, mkdir.origin().xid());
        assertEquals(InetAddress.getLoopbackAddress(), mkdir.origin().client());
        Op.Mkdir m = (Op.Mkdir) mkdir.op();
        assertEquals(a, m.id());
        assertEquals(mkdir.timeMicros() * 1000, m.attrs().mtimeNanos(), "times are the record's own");
        assertEquals(mkdir.timeMicros() * 1000, m.parentMtimeNanos());
        assertEquals(m.attrs().mtimeNanos(), local.getattr(a).mtimeNanos() - (local.getattr(a).mtimeNanos() - m.attrs().mtimeNanos()));
        assertTrue(empty != 0);
    }

    @Test
    void theTreeCarriesTheRecordedTimesExactly() throws Exception {
        long d = fs.mkdir(WHO, fs.rootId(), "d", SetAttr.NONE);
        long f = fs.create(WHO, d, "f", CreateMode.GUARDED, SetAttr.NONE, null);
        List<OpRecord> rs = records();
        Op.Create c = (Op.Create) rs.get(1).op();
        assertEquals(c.attrs().mtimeNanos(), local.getattr(f).mtimeNanos());
        assertEquals(c.parentMtimeNanos(), local.getattr(d).mtimeNanos());
        assertEquals(new Attrs(0644, 0, 0, 0, c.attrs().atimeNanos(), c.attrs().mtimeNanos()), c.attrs());
    }

    @Test
    void whileTheWriteGateIsClosedChangesAreRefusedWithJukeboxAndNothingIsJournaled() throws Exception {
        long f = fs.create(WHO, fs.rootId(), "f", CreateMode.GUARDED, SetAttr.mode(0644), null);
        long last = journal.log().lastSeq();
        String[] closed = {"this node is not the primary of epoch 7"};
        journal.setWriteGate(() -> closed[0]);
        dev.nfsrepl.fs.error.JukeboxException e = assertThrows(dev.nfsrepl.fs.error.JukeboxException.class,
                () -> fs.create(WHO, fs.rootId(), "g", CreateMode.GUARDED, SetAttr.mode(0644), null));
        assertEquals(10008, e.status());
        assertTrue(e.getMessage().contains("epoch 7"), e.getMessage());
        assertThrows(dev.nfsrepl.fs.error.JukeboxException.class,
                () -> fs.write(WHO, f, 0, bytes("x"), Stability.FILE_SYNC));
        assertThrows(dev.nfsrepl.fs.error.JukeboxException.class, () -> fs.remove(WHO, fs.rootId(), "f"));
        assertThrows(IOException.class, () -> journal.mark("not now"));
        assertEquals(last, journal.log().lastSeq(), "nothing journaled");
        assertEquals(f, fs.lookup(WHO, fs.rootId(), "f"), "nothing changed");
        fs.getattr(f); // reads go on
        closed[0] = null;
        fs.create(WHO, fs.rootId(), "g", CreateMode.GUARDED, SetAttr.mode(0644), null);
        assertEquals(last + 1, journal.log().lastSeq());
    }

    @Test
    void refusedOperationsLeaveNoRecord() throws Exception {
        long root = fs.rootId();
        long d = fs.mkdir(WHO, root, "d", SetAttr.NONE);
        fs.create(WHO, d, "f", CreateMode.GUARDED, SetAttr.NONE, null);
        long before = journal.log().lastSeq();
        assertThrows(NoEntException.class, () -> fs.remove(WHO, root, "missing"));
        assertThrows(ExistException.class, () -> fs.create(WHO, d, "f", CreateMode.GUARDED, SetAttr.NONE, null));
        assertThrows(NotEmptyException.class, () -> fs.rmdir(WHO, root, "d"));
        long sub = fs.mkdir(WHO, d, "sub", SetAttr.NONE);
        long afterMkdir = journal.log().lastSeq();
        assertThrows(InvalException.class, () -> fs.rename(WHO, root, "d", sub, "x"));
        assertEquals(before + 1, afterMkdir);
        assertEquals(afterMkdir, journal.log().lastSeq());
    }

    @Test
    void aRecordLoggedButNotAppliedWhenTheServerDiedIsAppliedOnReopen() throws Exception {
        long root = fs.rootId();
        long d = fs.mkdir(WHO, root, "d", SetAttr.NONE);
        // as if the process died between append (and fsync) and apply:
        long id = local.newFileId();
        OpRecord r = journal.append(WHO, (seq, t) -> new Op.Mkdir(d, "ghost", id,
                new Attrs(0755, 0, 0, 0, t * 1000, t * 1000), t * 1000));
        journal.sync(r.seq());
        assertEquals(0, local.idAt(d, "ghost"));
        reopenAfterKill(); // no checkpoint: the applied point stays behind
        assertEquals(id, local.idAt(d, "ghost"));
        assertEquals(r.seq(), journal.appliedPoint());
        assertEquals(TreeDigest.lines(fs), replayed());
    }

    @Test
    void requestsRetransmittedAfterARestartGetTheirOriginalAnswerNotAnError() throws Exception {
        long root = fs.rootId();
        Identity mkdir = WHO.from(InetAddress.getLoopbackAddress(), 101);
        Identity create = WHO.from(InetAddress.getLoopbackAddress(), 102);
        Identity remove = WHO.from(InetAddress.getLoopbackAddress(), 103);
        Identity rename = WHO.from(InetAddress.getLoopbackAddress(), 104);
        Identity link = WHO.from(InetAddress.getLoopbackAddress(), 105);
        Identity rmdir = WHO.from(InetAddress.getLoopbackAddress(), 106);
        Identity symlink = WHO.from(InetAddress.getLoopbackAddress(), 107);
        long d = fs.mkdir(mkdir, root, "d", SetAttr.NONE);
        long f = fs.create(create, d, "f", CreateMode.GUARDED, SetAttr.NONE, null);
        long gone = fs.create(WHO, d, "gone", CreateMode.GUARDED, SetAttr.NONE, null);
        fs.remove(remove, d, "gone");
        fs.rename(rename, d, "f", root, "f2");
        fs.link(link, f, d, "hard");
        fs.mkdir(WHO, root, "empty", SetAttr.NONE);
        fs.rmdir(rmdir, root, "empty");
        long sym = fs.symlink(symlink, root, "sym", "d/hard", SetAttr.NONE);
        long before = journal.log().lastSeq();
        reopenAfterKill();

        // the same requests (client and xid) again: the answers they had, nothing executed
        assertEquals(d, fs.mkdir(mkdir, root, "d", SetAttr.NONE));
        assertEquals(f, fs.create(create, d, "f", CreateMode.GUARDED, SetAttr.NONE, null));
        fs.remove(remove, d, "gone");
        fs.rename(rename, d, "f", root, "f2");
        fs.link(link, f, d, "hard");
        fs.rmdir(rmdir, root, "empty");
        assertEquals(sym, fs.symlink(symlink, root, "sym", "d/hard", SetAttr.NONE));
        assertEquals(before, journal.log().lastSeq(), "nothing was recorded again");
        assertNotEquals(0, gone);

        // a new request (another xid) for the same change is executed and fails as it must
        Identity other = WHO.from(InetAddress.getLoopbackAddress(), 200);
        assertThrows(NoEntException.class, () -> fs.remove(other, d, "gone"));
        assertThrows(ExistException.class, () -> fs.mkdir(other, root, "d", SetAttr.NONE));
        // the xid of a REMOVE reused for another name is executed
        fs.create(WHO, d, "again", CreateMode.GUARDED, SetAttr.NONE, null);
        fs.remove(remove, d, "again");
        assertEquals(0, local.idAt(d, "again"));
        // a request from another client with the same xid is executed
        Identity elsewhere = WHO.from(InetAddress.getByAddress(new byte[] {10, 0, 0, 9}), 103);
        assertThrows(NoEntException.class, () -> fs.remove(elsewhere, d, "gone"));
        assertEquals(TreeDigest.lines(fs), replayed());
    }

    @Test
    void objectsMadeOutsideTheServerAreRecordedWithTheirContentWhenFirstMet() throws Exception {
        Path export = tmp.resolve("export");
        Files.writeString(export.resolve("small"), "made outside");
        byte[] big = new byte[Journal.ADOPT_CHUNK * 5 / 2];
        new Random(7).nextBytes(big);
        Files.createDirectories(export.resolve("dir"));
        Files.write(export.resolve("dir/big"), big);
        Files.setLastModifiedTime(export.resolve("dir/big"), java.nio.file.attribute.FileTime.fromMillis(1_000_000_000L));
        Files.createSymbolicLink(export.resolve("sym"), Path.of("dir/big"));

        List<String> live = TreeDigest.lines(fs); // looks everything up: each object is adopted
        List<OpRecord> rs = records();
        assertEquals(4, rs.stream().filter(r -> r.type() == OpType.ADOPT).count(), "small, dir, dir/big, sym: " + rs);
        assertEquals(2, rs.stream().filter(r -> r.type() == OpType.WRITE).count(), "the 2.5 MiB file's last 1.5 MiB");
        assertTrue(rs.stream().allMatch(r -> r.origin().client() == null), "recorded as the server's own");
        assertEquals(live, replayed());
        assertEquals(1_000_000_000_000_000L, fs.getattr(fs.lookup(WHO, fs.lookup(WHO, fs.rootId(), "dir"), "big")).mtimeNanos());
    }

    @Test
    void anAdoptionCutShortByAStopIsCompletedFromTheFileOnRecovery() throws Exception {
        byte[] big = new byte[Journal.ADOPT_CHUNK * 3];
        new Random(8).nextBytes(big);
        Path file = tmp.resolve("export").resolve("big");
        Files.write(file, big);
        // as if the server died after logging the ADOPT and one more chunk, before the rest and the FileId
        long id = local.newFileId();
        var st = Files.readAttributes(file, java.nio.file.attribute.PosixFileAttributes.class);
        long mtime = st.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
        long rootMtime = local.getattr(fs.rootId()).mtimeNanos();
        journal.append(Identity.ROOT, (seq, t) -> new Op.Adopt(fs.rootId(), "big", id,
                dev.nfsrepl.replication.record.ObjectType.REGULAR, new Attrs(0644, 0, 0, big.length, mtime, mtime),
                ByteBuffer.wrap(big, 0, Journal.ADOPT_CHUNK), rootMtime));
        OpRecord chunk = journal.append(Identity.ROOT, (seq, t) -> new Op.Write(id, Journal.ADOPT_CHUNK,
                ByteBuffer.wrap(big, Journal.ADOPT_CHUNK, Journal.ADOPT_CHUNK), Op.Stability.UNSTABLE, mtime));
        journal.sync(chunk.seq());
        reopenAfterKill();

        assertEquals(id, local.idAt(fs.rootId(), "big"), "recovery gave the object the FileId of its ADOPT");
        assertEquals(1, records().stream().filter(r -> r.op() instanceof Op.Write w && w.offset() == 2L * Journal.ADOPT_CHUNK)
                .count(), "the last chunk was logged by recovery");
        assertEquals(TreeDigest.lines(fs), replayed());
    }

    @Test
    void aBackupFedTheJournalInBatchesAppliesItToTheSameTree() throws Exception {
        long root = fs.rootId();
        List<Long> dirs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            dirs.add(fs.mkdir(WHO, root, "d" + i, SetAttr.NONE));
        }
        Random rnd = new Random(77);
        for (int done = 0; done < 2000; ) {
            try {
                randomOp(rnd, root, dirs);
                done++;
            } catch (FsException e) {
                // refused (a name that is not there, and so on): no record
            }
        }
        // an operation logged and then cancelled, as when applying fails after the append
        long ghost = local.newFileId();
        OpRecord cancelled = journal.append(WHO, (seq, t) -> new Op.Mkdir(root, "never", ghost,
                new Attrs(0755, 0, 0, 0, t * 1000, t * 1000), t * 1000));
        journal.abort(cancelled, 28);
        journal.done(cancelled.seq());
        List<String> primary = TreeDigest.lines(fs);

        Path backupDir = Files.createDirectories(tmp.resolve("backup"));
        try (LocalFileSystem backup = new LocalFileSystem(backupDir, tmp.resolve("backup-state"), clock)
                     .withIdentity(local.rootId(), local.generation()).start();
             dev.nfsrepl.replication.log.SegmentLog received = dev.nfsrepl.replication.log.SegmentLog.open(
                     tmp.resolve("received"), dev.nfsrepl.replication.log.LogKind.RECEIVED, LogConfig.DEFAULTS, clock);
             dev.nfsrepl.replication.ship.Receiver rx = new dev.nfsrepl.replication.ship.Receiver(received,
                     new TreeSink(new RecordApplier(backup)), 0)) {
            backup.setSyncMetadata(false);
            List<OpRecord> all = records();
            for (int i = 0; i < all.size(); i += 97) {
                List<OpRecord> part = all.subList(i, Math.min(all.size(), i + 97));
                rx.receive(new dev.nfsrepl.replication.wire.Batch(part.get(part.size() - 1).seq(), part));
            }
            long last = all.get(all.size() - 1).seq();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (rx.applied() < last && rx.diverged() == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(null, rx.diverged());
            assertEquals(last, rx.applied());
            assertEquals(primary, TreeDigest.lines(backup), "the backup's tree is the primary's");
        }
    }

    @Test
    void lookupsRacingCreatesNeverTakeTheNewObjectsForOnesMadeOutsideTheServer() throws Exception {
        long root = fs.rootId();
        long d = fs.mkdir(WHO, root, "d", SetAttr.NONE);
        int n = 400;
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        Thread looker = new Thread(() -> {
            while (next.get() < n) {
                try {
                    fs.lookup(WHO, d, "f" + next.get());
                } catch (FsException e) {
                    // not made yet
                }
            }
        });
        looker.start();
        for (int i = 0; i < n; i++) {
            fs.create(WHO, d, "f" + i, CreateMode.GUARDED, SetAttr.NONE, null);
            next.incrementAndGet();
        }
        looker.join();
        assertEquals(0, records().stream().filter(r -> r.type() == OpType.ADOPT).count(), "nothing was adopted");
        assertEquals(TreeDigest.lines(fs), replayed());
    }

    /** Closes the journal without a checkpoint and opens it again, as a server restarted after SIGKILL does. */
    private void reopenAfterKill() throws IOException {
        journal.log().close();
        journal = null;
        local.close();
        local = new LocalFileSystem(tmp.resolve("export"), tmp.resolve("state"), clock).start();
        local.setSyncMetadata(false);
        journal = Journal.open(tmp.resolve("journal"), local, LogConfig.DEFAULTS, clock);
        fs = new RecordingFileSystem(local, journal);
    }

    /** Random concurrent workloads: the journal replayed into an empty directory gives the same tree. */
    @Test
    void tenThousandRandomConcurrentOperationsReplayToTheSameTree() throws Exception {
        long root = fs.rootId();
        List<Long> dirs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            dirs.add(fs.mkdir(WHO, root, "d" + i, SetAttr.NONE));
        }
        int threads = 4;
        int target = 10_000;
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> fs1 = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = 1000 + t;
            fs1.add(pool.submit(() -> {
                Random rnd = new Random(seed);
                while (ok.get() < target) {
                    try {
                        randomOp(rnd, root, dirs);
                        ok.incrementAndGet();
                    } catch (FsException e) {
                        refused.incrementAndGet(); // a name that another thread just removed, and so on
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs1) {
            f.get();
        }
        pool.shutdown();
        System.out.println("random workload: " + ok + " operations done, " + refused + " refused, "
                + journal.log().lastSeq() + " records, " + journal.log().fsyncs() + " journal fsyncs");
        // some successful calls change nothing (an UNCHECKED create of an existing file, a rename onto itself)
        assertTrue(journal.log().lastSeq() >= target * 8L / 10, "the changes are recorded: " + journal.log().lastSeq());
        assertEquals(TreeDigest.lines(fs), replayed());
    }

    private void randomOp(Random rnd, long root, List<Long> dirs) throws FsException {
        RandomWorkload.op(fs, WHO, rnd, root, dirs);
    }
}
