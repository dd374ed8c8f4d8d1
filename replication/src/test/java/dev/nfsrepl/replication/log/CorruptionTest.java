package dev.nfsrepl.replication.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.replication.record.OpRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage at random places of a log: truncation (a torn tail) and garbage. Recovery must keep
 * every record whose frame lies wholly before the damage, none after it, and say where it cut.
 */
class CorruptionTest {

    @TempDir
    Path tmp;

    /** Where each record's frame ends, per segment, so that the survivors can be predicted. */
    record Written(List<OpRecord> records, List<Path> segmentOf, List<Long> frameEnd) {
    }

    private Written write(Path dir, long seed) throws IOException {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-29T10:00:00Z"));
        List<OpRecord> records = new ArrayList<>();
        List<Path> segmentOf = new ArrayList<>();
        List<Long> frameEnd = new ArrayList<>();
        try (SegmentLog log = SegmentLog.open(dir, LogKind.JOURNAL, SegmentLogTest.SMALL, clock)) {
            Random rnd = new Random(seed);
            for (int i = 0; i < 120; i++) {
                clock.advance(java.time.Duration.ofMillis(1));
                records.add(log.append(dev.nfsrepl.replication.record.SampleRecords.EPOCH, SegmentLogTest.WHO,
                        dev.nfsrepl.replication.record.SampleRecords.random(rnd, 0)));
                Segment s = log.segments.get(log.segments.size() - 1);
                segmentOf.add(s.file);
                frameEnd.add(s.end);
            }
            log.sync(log.lastSeq());
        }
        return new Written(records, segmentOf, frameEnd);
    }

    /** The records that lie wholly before {@code position} of {@code damaged}. */
    private static List<OpRecord> before(Written w, Path damaged, long position) {
        List<OpRecord> keep = new ArrayList<>();
        for (int i = 0; i < w.records().size(); i++) {
            Path seg = w.segmentOf().get(i);
            int cmp = seg.getFileName().compareTo(damaged.getFileName());
            if (cmp < 0 || (cmp == 0 && w.frameEnd().get(i) <= position)) {
                keep.add(w.records().get(i));
            } else {
                break;
            }
        }
        return keep;
    }

    private static boolean endsAt(Written w, Path segment, long position) {
        for (int i = 0; i < w.records().size(); i++) {
            if (w.segmentOf().get(i).equals(segment) && w.frameEnd().get(i) == position) {
                return true;
            }
        }
        return false;
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    @Test
    void truncationAtRandomOffsetsKeepsEveryRecordBeforeTheCut() throws IOException {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 40; trial++) {
            Path dir = tmp.resolve("t" + trial);
            Written w = write(dir, trial);
            List<Path> segs = segments(dir);
            Path victim = segs.get(rnd.nextInt(segs.size()));
            long size = Files.size(victim);
            long cut = rnd.nextLong(size);
            try (FileChannel ch = FileChannel.open(victim, StandardOpenOption.WRITE)) {
                ch.truncate(cut);
            }
            check(dir, w, victim, cut, size - cut);
        }
    }

    @Test
    void garbageAtRandomOffsetsKeepsEveryRecordBeforeItAndNoneAfter() throws IOException {
        Random rnd = new Random(12);
        for (int trial = 0; trial < 40; trial++) {
            Path dir = tmp.resolve("g" + trial);
            Written w = write(dir, 100 + trial);
            List<Path> segs = segments(dir);
            Path victim = segs.get(rnd.nextInt(segs.size()));
            long size = Files.size(victim);
            long at = rnd.nextLong(size);
            int len = (int) Math.min(1 + rnd.nextInt(16), size - at);
            try (FileChannel ch = FileChannel.open(victim, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.allocate(len);
                ch.read(b, at);
                for (int i = 0; i < len; i++) {
                    b.put(i, (byte) (b.get(i) ^ (1 + rnd.nextInt(255)))); // every byte really changes
                }
                ch.write(b.flip(), at);
            }
            check(dir, w, victim, at, -1);
        }
    }

    private void check(Path dir, Written w, Path victim, long damageAt, long bytesCut) throws IOException {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-29T11:00:00Z"));
        List<OpRecord> expected = before(w, victim, damageAt);
        try (SegmentLog log = SegmentLog.open(dir, LogKind.JOURNAL, SegmentLogTest.SMALL, clock)) {
            List<OpRecord> got = SegmentLogTest.readAll(log, 0);
            assertEquals(expected, got, "damage at byte " + damageAt + " of " + victim.getFileName());
            boolean cleanEnd = bytesCut >= 0 && victim.equals(w.segmentOf().get(w.segmentOf().size() - 1))
                    && (damageAt == SegmentHeader.SIZE || endsAt(w, victim, damageAt));
            if (!cleanEnd) {
                assertEquals(1, log.recovery().cuts().size(), log.recovery().toString());
                RecoveryReport.Cut c = log.recovery().cuts().get(0);
                assertTrue(c.position() <= damageAt, c.toString());
                assertEquals(expected.isEmpty() ? 0 : expected.get(expected.size() - 1).seq(), c.lastGoodSeq());
            }
            // the log goes on after the cut, and a second open finds nothing new to cut
            OpRecord next = log.append(dev.nfsrepl.replication.record.SampleRecords.EPOCH, SegmentLogTest.WHO,
                    new dev.nfsrepl.replication.record.Op.Commit(1));
            assertEquals(log.lastSeq(), next.seq());
            assertEquals(expected.isEmpty() ? 1 : expected.get(expected.size() - 1).seq() + 1, next.seq());
        }
        try (SegmentLog log = SegmentLog.open(dir, LogKind.JOURNAL, SegmentLogTest.SMALL, clock)) {
            assertTrue(log.recovery().clean(), log.recovery().toString());
            assertEquals(expected.size() + 1, SegmentLogTest.readAll(log, 0).size());
        }
    }
}
