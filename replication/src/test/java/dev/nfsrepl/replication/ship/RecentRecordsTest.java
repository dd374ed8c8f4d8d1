package dev.nfsrepl.replication.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.Origin;
import dev.nfsrepl.replication.wire.BatchTest;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentRecordsTest {

    private static OpRecord write(long seq, int bytes) {
        return new OpRecord(seq, 3, 1_795_000_000_000_000L + seq, Origin.SERVER,
                new Op.Write((3L << 48) + 9, 0, ByteBuffer.wrap(new byte[bytes]), Op.Stability.UNSTABLE, 0));
    }

    @Test
    void keepsTheNewestConsecutiveRecordsWithinItsBudgetAndCopiesTheirData() {
        RecentRecords recent = new RecentRecords(10_000);
        List<OpRecord> rs = BatchTest.records(1, 20);
        for (OpRecord r : rs) {
            recent.add(r, 128);
        }
        assertEquals(rs.subList(4, 10), recent.get(5, 10));
        assertNull(recent.get(5, 21), "not yet appended");
        for (long s = 21; s <= 200; s++) {
            recent.add(write(s, 100), 164);
        }
        assertNull(recent.get(21, 30), "evicted: past the budget");
        List<OpRecord> tail = recent.get(190, 200);
        assertEquals(11, tail.size());
        assertEquals(190, tail.get(0).seq());
        OpRecord original = write(201, 100);
        recent.add(original, 164);
        assertNotSame(((Op.Write) original.op()).data(), ((Op.Write) recent.get(201, 201).get(0).op()).data());
    }

    @Test
    void rangesAreFoundWhereverTheyLieAsTheKeptRunGrowsAndWrapsAround() {
        RecentRecords recent = new RecentRecords(3000 * 100); // 3000 records of 100 bytes
        for (long s = 1; s <= 10_000; s++) {
            recent.add(write(s, 10), 100);
            if (s % 997 == 0 || s == 2500 || s == 10_000) {
                long from = Math.max(1, s - 2999);
                List<OpRecord> all = recent.get(from, s);
                assertEquals(s - from + 1, all.size(), "at #" + s);
                for (int i = 0; i < all.size(); i++) {
                    assertEquals(from + i, all.get(i).seq());
                }
                assertEquals(List.of(s - 1, s), recent.get(s - 1, s).stream().map(OpRecord::seq).toList());
                if (from > 1) {
                    assertNull(recent.get(from - 1, s), "#" + (from - 1) + " was evicted");
                }
            }
        }
    }

    @Test
    void aRecordTooLargeToKeepOrAGapStartsTheRunAgain() {
        RecentRecords recent = new RecentRecords(1 << 30);
        recent.add(write(1, 10), 74);
        recent.add(write(2, RecentRecords.MAX_DATA * 2), 64 + RecentRecords.MAX_DATA * 2);
        assertNull(recent.get(1, 1), "the run broke at #2, which the journal has");
        recent.add(write(3, 10), 74);
        assertEquals(3, recent.get(3, 3).get(0).seq());
        recent.add(write(7, 10), 74);
        assertNull(recent.get(3, 3), "a gap starts over");
        assertEquals(7, recent.get(7, 7).get(0).seq());
    }
}
