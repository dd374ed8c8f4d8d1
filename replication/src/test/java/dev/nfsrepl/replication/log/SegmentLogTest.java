package dev.nfsrepl.replication.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.Origin;
import dev.nfsrepl.replication.record.SampleRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentLogTest {

    static final Origin WHO = new Origin(1000, 100, new byte[] {127, 0, 0, 1}, 7);
    static final LogConfig SMALL = LogConfig.DEFAULTS.withSegmentBytes(16 << 10).withRetention(1L << 40, Duration.ofDays(7));

    @TempDir
    Path dir;
    final ManualClock clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));

    SegmentLog open(LogConfig config) throws IOException {
        return SegmentLog.open(dir.resolve("journal"), LogKind.JOURNAL, config, clock);
    }

    static List<OpRecord> readAll(SegmentLog log, long fromSeq) throws IOException {
        List<OpRecord> out = new ArrayList<>();
        try (LogCursor c = log.readFromSeq(fromSeq)) {
            for (OpRecord r; (r = c.next()) != null; ) {
                out.add(r);
            }
        }
        return out;
    }

    List<OpRecord> appendMany(SegmentLog log, int n, long seed) throws IOException {
        Random rnd = new Random(seed);
        List<OpRecord> written = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clock.advance(Duration.ofMillis(rnd.nextInt(3)));
            written.add(log.append(SampleRecords.EPOCH, WHO, SampleRecords.random(rnd, 0)));
        }
        return written;
    }

    @Test
    void appendsReadBackInOrderAcrossSegmentsAndReopens() throws IOException {
        List<OpRecord> written;
        try (SegmentLog log = open(SMALL)) {
            written = appendMany(log, 400, 1);
            log.sync(log.lastSeq());
            assertTrue(log.segmentCount() > 3, "small segments roll over: " + log.segmentCount());
            assertEquals(written, readAll(log, 0));
            assertEquals(1, written.get(0).seq());
            assertEquals(400, log.lastSeq());
        }
        try (SegmentLog log = open(SMALL)) {
            assertTrue(log.recovery().clean(), log.recovery().toString());
            assertEquals(400, log.recovery().records());
            assertEquals(written, readAll(log, 0));
            assertEquals(written.subList(250, 400), readAll(log, 251));
            OpRecord next = log.append(SampleRecords.EPOCH, WHO, new Op.Commit(9));
            assertEquals(401, next.seq());
            assertTrue(next.timeMicros() >= written.get(399).timeMicros());
        }
    }

    @Test
    void timeNeverGoesBackwardsAndReadingByTimeFindsTheFirstRecordAtOrAfter() throws IOException {
        try (SegmentLog log = open(SMALL)) {
            List<OpRecord> written = appendMany(log, 300, 2);
            clock.advance(Duration.ofMinutes(-10)); // the wall clock steps back
            OpRecord late = log.append(SampleRecords.EPOCH, WHO, new Op.Commit(1));
            assertEquals(written.get(299).timeMicros(), late.timeMicros());
            long t = written.get(150).timeMicros();
            int firstAt = 0;
            while (written.get(firstAt).timeMicros() < t) {
                firstAt++;
            }
            try (LogCursor c = log.readFromTime(t)) {
                assertEquals(written.get(firstAt), c.next());
            }
        }
    }

    @Test
    void aNewEpochStartsANewSegment() throws IOException {
        try (SegmentLog log = open(LogConfig.DEFAULTS)) {
            log.append(1, WHO, new Op.Commit(1));
            log.append(1, WHO, new Op.Commit(2));
            OpRecord e2 = log.append(2, WHO, new Op.Commit((2L << 48) + 1));
            assertEquals(2, log.segmentCount());
            assertEquals(List.of(e2), readAll(log, 3));
        }
        try (SegmentLog log = open(LogConfig.DEFAULTS)) {
            assertEquals(3, readAll(log, 0).size());
            assertEquals(2, readAll(log, 0).get(2).epoch());
        }
    }

    @Test
    void aCursorSeesRecordsAppendedAfterItCaughtUp() throws IOException {
        try (SegmentLog log = open(SMALL); LogCursor c = log.readFromSeq(1)) {
            assertNull(c.next());
            List<OpRecord> first = appendMany(log, 5, 3);
            for (OpRecord r : first) {
                assertEquals(r, c.next());
            }
            assertNull(c.next());
            List<OpRecord> more = appendMany(log, 300, 4); // rolls over several segments
            for (OpRecord r : more) {
                assertEquals(r, c.next());
            }
            assertNull(c.next());
        }
    }

    @Test
    void concurrentAppendersShareFsyncs() throws Exception {
        try (SegmentLog log = open(LogConfig.DEFAULTS)) {
            int threads = 8;
            int each = 200;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        OpRecord r = log.append(SampleRecords.EPOCH, WHO, new Op.Commit(i));
                        log.sync(r.seq());
                        assertTrue(log.durableSeq() >= r.seq());
                        mine.add(r.seq());
                    }
                    return mine;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> f : futures) {
                all.addAll(f.get());
            }
            pool.shutdown();
            Collections.sort(all);
            assertEquals(threads * each, all.size());
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i + 1, all.get(i), "every seq handed out once, none skipped");
            }
            System.out.println("group commit: " + all.size() + " synced appends took " + log.fsyncs() + " fsyncs");
            assertTrue(log.fsyncs() < all.size(), "fsyncs shared: " + log.fsyncs());
        }
    }

    /** Appenders that roll segments while fsyncs are in flight never share a seq (a roll used to wait for the
     *  fsync after the seq was taken, letting another appender take the same one). */
    @Test
    void rollingSegmentsUnderConcurrentSyncsGivesEverySeqOnce() throws Exception {
        try (SegmentLog log = open(LogConfig.DEFAULTS.withSegmentBytes(8 << 10))) {
            int threads = 8;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            Op big = new Op.Write(SampleRecords.EPOCH, 0, ByteBuffer.allocate(3000), Op.Stability.UNSTABLE, 0);
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        OpRecord r = log.append(SampleRecords.EPOCH, WHO, big);
                        log.sync(r.seq());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            assertTrue(log.segmentCount() > 100, "segments rolled: " + log.segmentCount());
            List<OpRecord> all = readAll(log, 0);
            assertEquals(threads * 150, all.size());
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i + 1, all.get(i).seq());
            }
        }
    }

    @Test
    void retentionDeletesOldClosedSegmentsBySizeAndAgeButKeepsWhatIsStillNeeded() throws IOException {
        LogConfig config = LogConfig.DEFAULTS.withSegmentBytes(8 << 10).withRetention(64 << 10, Duration.ofHours(1));
        try (SegmentLog log = open(config)) {
            appendMany(log, 2000, 5);
            long before = log.bytes();
            assertTrue(before > (64 << 10));
            assertEquals(List.of(), log.applyRetention(1), "nothing goes while #1 is still needed");
            List<Path> deleted = log.applyRetention(Long.MAX_VALUE);
            assertTrue(!deleted.isEmpty());
            assertTrue(log.bytes() <= (64 << 10) + (8 << 10) + 70_000, "size after retention: " + log.bytes());
            long first = log.firstSeq();
            assertTrue(first > 1);
            assertEquals(first, readAll(log, 0).get(0).seq(), "reading from before the start begins at the oldest kept");
            clock.advance(Duration.ofHours(2));
            log.append(SampleRecords.EPOCH, WHO, new Op.Commit(1));
            log.applyRetention(Long.MAX_VALUE);
            assertEquals(1, log.segmentCount(), "only the newest segment is left after the age limit");
        }
    }

    @Test
    void aRecordTooLargeIsRefusedAndTheLogGoesOn() throws IOException {
        try (SegmentLog log = open(LogConfig.DEFAULTS)) {
            log.append(1, WHO, new Op.Commit(1));
            Op huge = new Op.Write(1, 0, ByteBuffer.allocate(SegmentReader.MAX_BODY + 1), Op.Stability.UNSTABLE, 0);
            assertThrows(IllegalArgumentException.class, () -> log.append(1, WHO, huge));
            OpRecord next = log.append(1, WHO, new Op.Commit(2));
            assertEquals(2, next.seq());
            assertEquals(2, readAll(log, 0).size());
        }
    }

    @Test
    void aReceiveJournalGoesOnAsAJournalAndBackAgain() throws IOException {
        // a promoted backup journals after what it received; an old primary's journal becomes a receive journal
        try (SegmentLog log = SegmentLog.open(dir.resolve("journal"), LogKind.RECEIVED, LogConfig.DEFAULTS, clock)) {
            log.append(1, WHO, new Op.Commit(1));
        }
        try (SegmentLog log = open(LogConfig.DEFAULTS.withSegmentBytes(4096))) {
            assertTrue(log.recovery().cuts().isEmpty(), log.recovery().toString());
            assertEquals(2, log.append(2, WHO, new Op.Commit(2)).seq());
            assertEquals(3, log.append(2, WHO, new Op.Write(1, 0, ByteBuffer.allocate(5000), Op.Stability.UNSTABLE, 0))
                    .seq());
            log.append(2, WHO, new Op.Commit(4)); // past the segment's size: in a journal segment of its own
            assertTrue(log.segmentCount() >= 2, "journal segments after the received one");
        }
        try (SegmentLog log = SegmentLog.open(dir.resolve("journal"), LogKind.RECEIVED, LogConfig.DEFAULTS, clock)) {
            assertEquals(4, log.lastSeq());
            assertEquals(4, readAll(log, 0).size());
        }
    }

    @Test
    void aLogOfAnotherKindIsNotOpenedAsThisOne() throws IOException {
        try (SegmentLog log = SegmentLog.open(dir.resolve("journal"), LogKind.SPILL, LogConfig.DEFAULTS, clock)) {
            log.append(1, WHO, new Op.Commit(1));
        }
        try (SegmentLog log = open(LogConfig.DEFAULTS)) {
            assertEquals(1, log.recovery().cuts().size());
            assertTrue(log.recovery().cuts().get(0).reason().contains("SPILL"), log.recovery().toString());
            assertEquals(0, log.lastSeq());
            try (Stream<Path> s = Files.list(dir.resolve("journal/damaged"))) {
                assertEquals(1, s.count(), "the foreign segment is kept aside, not deleted");
            }
        }
    }
}
