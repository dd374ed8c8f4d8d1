package dev.nfsrepl.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.replication.log.LogConfig;
import dev.nfsrepl.replication.log.LogKind;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.Attrs;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.OpType;
import dev.nfsrepl.replication.record.Origin;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Filters of the operations query against a journal of 102,220 records whose expected answers are
 * worked out from the plan that wrote it: the generator keeps each file's path in an array as it
 * goes (creates, moves, removes), not through {@link RecordPaths}, and every query is compared with
 * the same predicate applied to the generator's list. Small segments (64 KiB) make the
 * names snapshots and the time index matter.
 */
class OpsQueryTest {

    static final long ROOT = 1;
    static final int DIRS = 10;
    static final int FILES = 21_000;
    static final long T0 = 1_780_000_000_000_000L; // µs; one record per ms
    static final String SCRIPT = "10.0.0.9";

    /** What the generator knows about each record it wrote. */
    record Expected(long seq, long time, OpType op, String path, String to, int uid, String client) {
    }

    @TempDir
    static Path tmp;
    static SegmentLog log;
    static NameSnapshots names;
    static final List<Expected> written = new ArrayList<>();
    static long seq;

    @BeforeAll
    static void writeJournal() throws IOException {
        LogConfig config = new LogConfig(64 << 10, 1L << 40, Duration.ofDays(3650), 2 << 10);
        log = SegmentLog.open(tmp.resolve("log"), LogKind.JOURNAL, config, Clock.systemUTC());
        names = new NameSnapshots(tmp.resolve("names"), ROOT);
        String[] path = new String[FILES];
        long[] dirOf = new long[FILES];
        for (int d = 0; d < DIRS; d++) {
            add(new Op.Mkdir(ROOT, "d" + d, dir(d), attrs(0), 0), "/d" + d, null, 0, "10.0.0.1");
        }
        for (int i = 0; i < FILES; i++) {
            int d = i % DIRS;
            path[i] = "/d" + d + "/f" + i;
            dirOf[i] = dir(d);
            String client = "10.0.0." + (2 + i % 3);
            int uid = 1000 + i % 5;
            add(new Op.Create(dirOf[i], "f" + i, file(i), Op.CreateHow.GUARDED, false, 0, attrs(uid), 0), path[i], null,
                    uid, client);
            add(write(i, 0), path[i], null, uid, client);
        }
        for (int i = 0; i < FILES; i += 100) { // 200 files of /d0 move into /d9
            String to = "/d9/moved" + i;
            add(new Op.Rename(dirOf[i], "f" + i, dir(9), "moved" + i, file(i), 0, 0, 0), path[i], to, 1000 + i % 5,
                    "10.0.0." + (2 + i % 3));
            path[i] = to;
            dirOf[i] = dir(9);
        }
        for (int i = 0; i < FILES; i++) { // the script overwrites every file
            add(write(i, 1), path[i], null, 0, SCRIPT);
        }
        for (int i = 3; i < FILES; i += 7) {
            String name = path[i].substring(path[i].lastIndexOf('/') + 1);
            add(new Op.Remove(dirOf[i], name, file(i), 0), path[i], null, 0, SCRIPT);
            path[i] = null;
        }
        for (int i = 0; i < FILES; i++) {
            if (path[i] != null) {
                add(write(i, 2), path[i], null, 1000 + i % 5, "10.0.0." + (2 + i % 3));
                add(new Op.SetAttrs(file(i), 0600, null, null, null, null, null), path[i], null, 1000 + i % 5,
                        "10.0.0." + (2 + i % 3));
            }
        }
        log.sync(log.lastSeq());
        assertEquals(log.segmentCount() - 1, names.update(log), "names snapshots written");
    }

    @AfterAll
    static void close() throws IOException {
        log.close();
    }

    static long dir(int d) {
        return 0x1000 + d;
    }

    static long file(int i) {
        return 0x100000 + i;
    }

    static Attrs attrs(int uid) {
        return new Attrs(0644, uid, uid, 0, 0, 0);
    }

    static Op write(int i, long offset) {
        return new Op.Write(file(i), offset, ByteBuffer.wrap(new byte[] {(byte) i}), Op.Stability.UNSTABLE, 0);
    }

    static void add(Op op, String path, String to, int uid, String client) throws IOException {
        long s = ++seq;
        long t = T0 + s * 1000;
        log.appendRecord(new OpRecord(s, 1, t, Origin.of(uid, uid, InetAddress.getByName(client), (int) s), op));
        written.add(new Expected(s, t, op.type(), path, to, uid, client));
    }

    static List<Long> expect(Predicate<Expected> p) {
        return written.stream().filter(p).map(Expected::seq).toList();
    }

    static List<Long> query(OpsFilter f) throws IOException {
        return seqs(new OpsQuery(log, names, f).run(Integer.MAX_VALUE));
    }

    static List<Long> seqs(OpsQuery.Page page) {
        return page.records().stream().map(m -> ((Number) m.get("seq")).longValue()).toList();
    }

    static OpsFilter filter(String path, String glob, Set<OpType> ops, Integer uid, String client, long fromSeq,
                            long toSeq, long from, long to) throws IOException {
        return new OpsFilter(fromSeq, toSeq, from, to, path, glob, ops, uid,
                client == null ? null : InetAddress.getByName(client));
    }

    static boolean under(String p, String dir) {
        return p != null && (p.equals(dir) || p.startsWith(dir + "/"));
    }

    @Test
    void journalIsAsPlanned() {
        assertTrue(written.size() >= 100_000, written.size() + " records");
        assertTrue(log.segmentCount() > 30, log.segmentCount() + " segments");
    }

    @Test
    void everythingInOrderWithPathsAsTheyWereAtEachRecord() throws IOException {
        List<Map<String, Object>> all = new OpsQuery(log, names, OpsFilter.ALL).run(Integer.MAX_VALUE).records();
        assertEquals(written.size(), all.size());
        for (int i = 0; i < all.size(); i++) {
            Expected e = written.get(i);
            Map<String, Object> got = all.get(i);
            assertEquals(List.of(e.seq(), e.op().name(), e.path(), e.client(), String.valueOf(e.to())),
                    List.of(got.get("seq"), got.get("op"), got.get("path"), got.get("client"), String.valueOf(got.get("to"))));
        }
    }

    @Test
    void pathPrefixFollowsMovesIntoTheDirectory() throws IOException {
        List<Long> want = expect(e -> under(e.path(), "/d9") || under(e.to(), "/d9"));
        assertTrue(want.size() > 10_000, want.size() + " records");
        assertEquals(want, query(filter("/d9", null, null, null, null, 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE)));
        // "/d9/" is the same directory; "/d" is not a prefix of "/d9" by name
        assertEquals(want, query(filter("/d9/", null, null, null, null, 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE)));
        assertEquals(List.of(), query(filter("/d", null, null, null, null, 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE)));
    }

    @Test
    void aTimeWindowReadsAboutTheWindowAndKnowsPathsFromBeforeIt() throws IOException {
        // the script's writes to moved files: their names come from renames far before the window
        long from = T0 + 45_000 * 1000L;
        long to = T0 + 55_000 * 1000L;
        List<Long> want = expect(e -> e.time() >= from && e.time() <= to && under(e.path(), "/d9")
                && e.client().equals(SCRIPT));
        assertFalse(want.isEmpty());
        OpsQuery.Page page = new OpsQuery(log, names, filter("/d9", null, null, null, SCRIPT, 1, Long.MAX_VALUE, from,
                to)).run(100_000);
        assertEquals(want, seqs(page));
        assertTrue(written.stream().anyMatch(e -> e.time() >= from && e.time() <= to && e.path().startsWith("/d9/moved")));
        // 10,001 records in the window (#45000..#55000); the names come from the snapshot at the start
        // of the segment holding #45000, and the records between it and the window are read once
        long segmentStart = log.segmentStarts().stream().filter(st -> st <= 45_000).reduce((a, b) -> b).orElseThrow();
        assertTrue(segmentStart > 1);
        assertEquals(segmentStart, page.namesFrom());
        assertEquals(10_001 + 45_000 - segmentStart, page.scanned());
        assertTrue(page.scanned() < written.size() / 4, page.scanned() + " records read");
    }

    @Test
    void globMatchesEitherSideOfARename() throws IOException {
        List<Long> want = expect(e -> (e.path() != null && e.path().matches("/d9/moved\\d*5\\d*"))
                || (e.to() != null && e.to().matches("/d9/moved\\d*5\\d*")));
        assertFalse(want.isEmpty());
        assertEquals(want, query(filter(null, "/d9/moved*5*", null, null, null, 1, Long.MAX_VALUE, Long.MIN_VALUE,
                Long.MAX_VALUE)));
        List<Long> moved1x00 = expect(e -> (e.path() != null && e.path().matches("/.*/moved1\\d00"))
                || (e.to() != null && e.to().matches("/.*/moved1\\d00")));
        // 10 files: RENAME, the script's WRITE, then WRITE + SETATTR, or REMOVE for 1200 and 1900 (i % 7 == 3)
        assertEquals(8 * 4 + 2 * 3, moved1x00.size());
        assertEquals(moved1x00, query(filter(null, "/**/moved1?00", null, null, null, 1, Long.MAX_VALUE,
                Long.MIN_VALUE, Long.MAX_VALUE)));
    }

    @Test
    void typesUidsClientsAndSeqRangesCombine() throws IOException {
        Set<OpType> ops = EnumSet.of(OpType.REMOVE, OpType.RENAME);
        List<Long> removes = expect(e -> ops.contains(e.op()) && e.client().equals(SCRIPT));
        assertEquals(3000, removes.size()); // i = 3, 10, ..., 20998
        assertEquals(removes, query(filter(null, null, ops, null, SCRIPT, 1, Long.MAX_VALUE, Long.MIN_VALUE,
                Long.MAX_VALUE)));
        assertEquals(expect(e -> e.op() == OpType.WRITE && e.uid() == 1003 && e.seq() >= 30_000 && e.seq() <= 90_000),
                query(filter(null, null, EnumSet.of(OpType.WRITE), 1003, null, 30_000, 90_000, Long.MIN_VALUE,
                        Long.MAX_VALUE)));
        List<Long> setattrs = expect(e -> e.op() == OpType.SETATTR && under(e.path(), "/d3")
                && e.client().equals("10.0.0.4") && e.time() >= T0 + 80_000_000L);
        assertFalse(setattrs.isEmpty());
        assertEquals(setattrs, query(filter("/d3", null, EnumSet.of(OpType.SETATTR), null, "10.0.0.4", 1,
                Long.MAX_VALUE, T0 + 80_000_000L, Long.MAX_VALUE)));
    }

    @Test
    void pagesJoinToTheWholeAnswer() throws IOException {
        OpsFilter f = filter("/d0", null, null, null, null, 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE);
        List<Long> joined = new ArrayList<>();
        Long next = 1L;
        int pages = 0;
        while (next != null) {
            OpsQuery.Page p = new OpsQuery(log, names, f.withSeqs(next, f.toSeq())).run(997);
            joined.addAll(seqs(p));
            next = p.next();
            pages++;
        }
        assertEquals(expect(e -> under(e.path(), "/d0") || under(e.to(), "/d0")), joined);
        assertEquals(query(f), joined);
        assertTrue(pages > 5, pages + " pages");
    }

    @Test
    void aDamagedSnapshotIsPassedOverForAnEarlierOne() throws IOException {
        Path copy = tmp.resolve("names-damaged");
        Files.createDirectories(copy);
        List<Path> snaps;
        try (Stream<Path> s = Files.list(tmp.resolve("names"))) {
            snaps = s.sorted().toList();
        }
        for (Path p : snaps) {
            Files.copy(p, copy.resolve(p.getFileName()));
        }
        Path last = copy.resolve(snaps.get(snaps.size() - 1).getFileName());
        byte[] b = Files.readAllBytes(last);
        b[b.length / 2] ^= 0x40;
        Files.write(last, b);
        NameSnapshots damaged = new NameSnapshots(copy, ROOT);
        OpsFilter f = filter("/d9", null, null, null, null, log.lastSeq() - 500, Long.MAX_VALUE, Long.MIN_VALUE,
                Long.MAX_VALUE);
        OpsQuery.Page page = new OpsQuery(log, damaged, f).run(10_000);
        assertFalse(seqs(page).isEmpty());
        assertEquals(query(f), seqs(page));
        assertTrue(page.namesFrom() < Long.parseLong(last.getFileName().toString().substring(0, 20)));
    }

    @Test
    void badFiltersAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> filter("d9", null, null, null, null, 1, 2, 3, 4))
                .getMessage().contains("starts at the export's root"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> filter(null, "/d[", null, null, null, 1, 2, 3, 4))
                .getMessage().contains("bad glob"));
    }
}
