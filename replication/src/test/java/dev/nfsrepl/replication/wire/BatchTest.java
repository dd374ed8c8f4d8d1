package dev.nfsrepl.replication.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.Origin;
import dev.nfsrepl.replication.record.RecordFormatException;
import dev.nfsrepl.replication.record.SampleRecords;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

public class BatchTest {

    /** {@code n} consecutive records of every type but ABORT (which would cancel one of them) from {@code firstSeq} on. */
    public static List<OpRecord> records(long firstSeq, int n) {
        List<OpRecord> out = new ArrayList<>();
        long time = 1_795_000_000_000_000L;
        List<Op> ops = SampleRecords.everyType(time * 1000).stream().filter(o -> !(o instanceof Op.Abort)).toList();
        for (int i = 0; i < n; i++) {
            out.add(new OpRecord(firstSeq + i, SampleRecords.EPOCH, time + (firstSeq + i) * 7L, Origin.SERVER,
                    ops.get(i % ops.size())));
        }
        return out;
    }

    /** A batch of one record, made without the checks of a real primary. */
    public static Batch forged(long seq, Op op) {
        return new Batch(seq, List.of(new OpRecord(seq, SampleRecords.EPOCH, 1_795_000_000_000_000L, Origin.SERVER, op)));
    }

    @Test
    void aRecordWhoseNameWouldLeaveItsDirectoryIsRefused() {
        long dir = ((long) SampleRecords.EPOCH << 48) + 1;
        long id = dir + 99;
        var a = new dev.nfsrepl.replication.record.Attrs(0644, 0, 0, 0, 0, 0);
        for (String bad : List.of("..", ".", "", "../../etc/passwd", "a/b", "nul\0byte")) {
            for (Op op : List.of(new Op.Create(dir, bad, id, Op.CreateHow.UNCHECKED, false, 0, a, 0),
                    new Op.Mkdir(dir, bad, id, a, 0), new Op.Remove(dir, bad, id, 0),
                    new Op.Rename(dir, "ok", dir, bad, id, 0, 0, 0), new Op.Link(id, dir, bad, 0))) {
                byte[] bytes = forged(1, op).encode();
                RecordFormatException e = assertThrows(RecordFormatException.class, () -> Batch.decode(bytes), op.toString());
                assertTrue(e.getMessage().contains("is not a name within a directory"), e.getMessage());
            }
        }
        Op fine = new Op.Symlink(dir, "link", id, "../../anywhere/is/fine", a, 0);
        assertEquals(fine, Batch.decode(forged(1, fine).encode()).records().get(0).op(), "a symlink's target is data");
    }

    @Test
    void everyRecordTypeCrossesInABatchUnchanged() {
        List<OpRecord> rs = new ArrayList<>(records(40, 30));
        OpRecord lastOne = rs.get(rs.size() - 1);
        rs.add(new OpRecord(70, lastOne.epoch(), lastOne.timeMicros() + 1, Origin.SERVER, new Op.Abort(45, 28)));
        Batch b = new Batch(41, rs);
        Batch back = Batch.decode(b.encode());
        assertEquals(b.records(), back.records());
        assertEquals(41, back.commitSeq());
        assertEquals(new Ack(69, 41), Ack.decode(new Ack(69, 41).encode()));
        assertEquals(new Ack(69, 41, true), Ack.decode(new Ack(69, 41, true).encode()));
    }

    @Test
    void anyChangedByteOrTruncationIsRefusedNeverMisread() {
        byte[] good = new Batch(10, records(1, 12)).encode();
        Random rnd = new Random(5);
        for (int i = 0; i < 300; i++) {
            byte[] bad = good.clone();
            int at = 36 + rnd.nextInt(bad.length - 36); // past the header: every record carries a CRC
            bad[at] ^= (byte) (1 + rnd.nextInt(255));
            assertThrows(RecordFormatException.class, () -> Batch.decode(bad), "flipped byte " + at);
        }
        for (int cut = 0; cut < good.length; cut += 7) {
            byte[] shortened = Arrays.copyOf(good, cut);
            assertThrows(RecordFormatException.class, () -> Batch.decode(shortened), "cut at " + cut);
        }
        byte[] lying = good.clone();
        lying[35] = 100; // count: 100 records
        RecordFormatException e = assertThrows(RecordFormatException.class, () -> Batch.decode(lying));
        assertTrue(e.getMessage().length() > 0);
        assertThrows(RecordFormatException.class, () -> Ack.decode(new byte[15]));
        assertThrows(RecordFormatException.class, () -> Ack.decode(new byte[16]), "an ACK of protocol version 1");
        byte[] unknownFlag = new Ack(3, 2).encode();
        unknownFlag[16] = 4;
        assertThrows(RecordFormatException.class, () -> Ack.decode(unknownFlag), "a flag this version does not know");
        assertEquals(new Ack(3, 2, true, true), Ack.decode(new Ack(3, 2, true, true).encode()));
        assertThrows(RecordFormatException.class, () -> Ack.decode(new Ack(3, 5).encode()), "applied beyond durable");
    }

    @Test
    void aBatchHoldsConsecutiveRecordsOnly() {
        List<OpRecord> gap = new ArrayList<>(records(1, 3));
        gap.remove(1);
        assertThrows(IllegalArgumentException.class, () -> new Batch(0, gap));
    }
}
