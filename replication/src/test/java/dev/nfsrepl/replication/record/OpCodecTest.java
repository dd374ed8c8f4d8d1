package dev.nfsrepl.replication.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

class OpCodecTest {

    private static final long T0 = 1_790_000_000_000_000L; // µs
    private static final Origin V4 = new Origin(1000, 1000, new byte[] {10, 0, 2, 15}, 0x12345678);

    /** Encodes {@code ops} as consecutive records of one segment and decodes them back. */
    private static List<OpRecord> roundTrip(List<OpRecord> records) {
        OpRecord first = records.get(0);
        OpCodec.Encoder enc = new OpCodec.Encoder(first.epoch(), first.seq(), first.timeMicros());
        OpCodec.Decoder dec = new OpCodec.Decoder(first.epoch(), first.seq(), first.timeMicros());
        List<OpRecord> out = new ArrayList<>();
        for (OpRecord r : records) {
            out.add(dec.decode(Bytes.wrapForRead(body(enc, r))));
        }
        return out;
    }

    static byte[] body(OpCodec.Encoder enc, OpRecord r) {
        Bytes<?> b = Bytes.allocateElasticOnHeap(64);
        ByteBuffer bulk = enc.encode(r, b);
        byte[] prefix = b.toByteArray();
        byte[] all = new byte[prefix.length + bulk.remaining()];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        bulk.get(all, prefix.length, bulk.remaining());
        return all;
    }

    private static List<OpRecord> asRecords(List<Op> ops, Origin origin) {
        List<OpRecord> rs = new ArrayList<>();
        long seq = 100;
        long t = T0;
        for (Op op : ops) {
            rs.add(new OpRecord(seq, SampleRecords.EPOCH, t, origin, op));
            seq += 1;
            t += 137;
        }
        return rs;
    }

    @Test
    void everyTypeRoundTrips() {
        List<OpRecord> rs = asRecords(SampleRecords.everyType(T0 * 1000), V4);
        assertEquals(rs, roundTrip(rs));
        assertEquals(OpType.values().length,
                rs.stream().map(OpRecord::type).distinct().count(), "the samples cover every record type");
    }

    @Test
    void extremeValuesRoundTrip() {
        Origin v6 = new Origin(-1, -2, new byte[16], -1);
        for (Origin o : List.of(v6, Origin.SERVER)) {
            List<OpRecord> rs = asRecords(SampleRecords.extremes(T0 * 1000), o);
            assertEquals(rs, roundTrip(rs));
        }
        // gaps in seq and a jump in time
        List<OpRecord> gaps = List.of(
                new OpRecord(1, 1, 0, V4, new Op.Commit(1)),
                new OpRecord(1L << 40, 1, Long.MAX_VALUE / 2, V4, new Op.Commit(2)));
        assertEquals(gaps, roundTrip(gaps));
    }

    /** Pins the format: these bytes must decode the same way forever (bump FORMAT_VERSION to change them). */
    @Test
    void goldenBytes() {
        long nanos = T0 * 1000;
        OpCodec.Encoder enc = new OpCodec.Encoder(SampleRecords.EPOCH, 100, T0);
        Map<String, String> golden = Map.of(
                "REMOVE", "070100e807e807040a00020f78563412"  // type, seqΔ, timeΔ, uid, gid, addr, xid
                        + "b401" + "04666966" + "6f" + "bc01" + "00", // parent 45<<2, name "fifo", id 47<<2, parent mtime
                "CREATE", "01010ae807e807040a00020f78563412"
                        + "04" + "0968656c6c6f2e747874" + "a801" + "01" + "00a40300" + "00");
        OpRecord remove = new OpRecord(100, SampleRecords.EPOCH, T0, V4,
                new Op.Remove(SampleRecords.BASE + 45, "fifo", SampleRecords.BASE + 47, nanos));
        OpRecord create = new OpRecord(101, SampleRecords.EPOCH, T0 + 10, V4,
                new Op.Create(SampleRecords.BASE + 1, "hello.txt", SampleRecords.BASE + 42, Op.CreateHow.GUARDED, false, 0,
                        new Attrs(0644, 1000, 1000, 0, (T0 + 10) * 1000, (T0 + 10) * 1000), (T0 + 10) * 1000));
        HexFormat hex = HexFormat.of();
        assertEquals(golden.get("REMOVE"), hex.formatHex(body(enc, remove)));
        assertEquals(golden.get("CREATE"), hex.formatHex(body(enc, create)));
        OpCodec.Decoder dec = new OpCodec.Decoder(SampleRecords.EPOCH, 100, T0);
        assertEquals(remove, dec.decode(Bytes.wrapForRead(hex.parseHex(golden.get("REMOVE")))));
        assertEquals(create, dec.decode(Bytes.wrapForRead(hex.parseHex(golden.get("CREATE")))));
    }

    /**
     * Fixed overhead per record: everything but names, symlink targets and data, plus the log's
     * frame (length varint and CRC32C, 5 bytes for bodies under 128 bytes, 6 below 16 KiB).
     * Target: at most 40 bytes.
     */
    @Test
    void fixedOverheadPerRecordIsAtMost40Bytes() {
        long nanos = T0 * 1000;
        OpCodec.Encoder enc = new OpCodec.Encoder(SampleRecords.EPOCH, 1, T0);
        Map<OpType, Integer> worst = new EnumMap<>(OpType.class);
        long seq = 1;
        long t = T0;
        for (int round = 0; round < 50; round++) {
            for (Op op : SampleRecords.everyType(nanos)) {
                t += 900 + round * 40; // ~1 ms apart
                OpRecord r = new OpRecord(seq++, SampleRecords.EPOCH, t, V4, retime(op, t * 1000));
                int body = body(enc, r).length;
                int frame = (body < 128 ? 1 : body < 16384 ? 2 : 3) + 4;
                int overhead = body + frame - variablePart(op);
                worst.merge(op.type(), overhead, Math::max);
            }
        }
        System.out.println("fixed overhead per record type (bytes, frame included): " + worst);
        worst.forEach((type, bytes) -> assertTrue(bytes <= 40, type + " costs " + bytes + " bytes"));
    }

    /** The op with every time field at the record's own time, as the server writes them. */
    private static Op retime(Op op, long t) {
        return switch (op.type()) {
            case CREATE -> {
                Op.Create c = (Op.Create) op;
                yield new Op.Create(c.parent(), c.name(), c.id(), c.how(), c.existed(), c.verifier(), at(c.attrs(), t), t);
            }
            case MKDIR -> {
                Op.Mkdir m = (Op.Mkdir) op;
                yield new Op.Mkdir(m.parent(), m.name(), m.id(), at(m.attrs(), t), t);
            }
            case SYMLINK -> {
                Op.Symlink m = (Op.Symlink) op;
                yield new Op.Symlink(m.parent(), m.name(), m.id(), m.target(), at(m.attrs(), t), t);
            }
            case MKNOD -> {
                Op.Mknod m = (Op.Mknod) op;
                yield new Op.Mknod(m.parent(), m.name(), m.id(), m.objectType(), at(m.attrs(), t), t);
            }
            case WRITE -> {
                Op.Write w = (Op.Write) op;
                yield new Op.Write(w.id(), w.offset(), w.data(), w.stability(), t);
            }
            case SETATTR -> {
                Op.SetAttrs a = (Op.SetAttrs) op;
                yield new Op.SetAttrs(a.id(), a.mode(), a.uid(), a.gid(), a.size(),
                        a.atimeNanos() == null ? null : t - 86_400_000_000_000L, a.mtimeNanos() == null ? null : t);
            }
            case REMOVE -> {
                Op.Remove r = (Op.Remove) op;
                yield new Op.Remove(r.parent(), r.name(), r.id(), t);
            }
            case RMDIR -> {
                Op.Rmdir r = (Op.Rmdir) op;
                yield new Op.Rmdir(r.parent(), r.name(), r.id(), t);
            }
            case RENAME -> {
                Op.Rename r = (Op.Rename) op;
                yield new Op.Rename(r.fromParent(), r.fromName(), r.toParent(), r.toName(), r.id(), r.replaced(), t, t);
            }
            case LINK -> {
                Op.Link l = (Op.Link) op;
                yield new Op.Link(l.id(), l.parent(), l.name(), t);
            }
            case ADOPT -> {
                Op.Adopt a = (Op.Adopt) op;
                yield new Op.Adopt(a.parent(), a.name(), a.id(), a.objectType(),
                        new Attrs(a.attrs().mode(), a.attrs().uid(), a.attrs().gid(), a.attrs().size(), t - 3_600_000_000_000L,
                                t - 3_600_000_000_000L), a.content(), t);
            }
            case COMMIT, ABORT, MARK, MONITOR -> op;
        };
    }

    private static Attrs at(Attrs a, long t) {
        return new Attrs(a.mode(), a.uid(), a.gid(), a.size(), t, t);
    }

    /** Bytes of names, targets and data, each with its length prefix. */
    private static int variablePart(Op op) {
        return switch (op.type()) {
            case CREATE -> str(((Op.Create) op).name());
            case MKDIR -> str(((Op.Mkdir) op).name());
            case SYMLINK -> str(((Op.Symlink) op).name()) + str(((Op.Symlink) op).target());
            case MKNOD -> str(((Op.Mknod) op).name());
            case WRITE -> data(((Op.Write) op).data().remaining());
            case REMOVE -> str(((Op.Remove) op).name());
            case RMDIR -> str(((Op.Rmdir) op).name());
            case RENAME -> str(((Op.Rename) op).fromName()) + str(((Op.Rename) op).toName());
            case LINK -> str(((Op.Link) op).name());
            case ADOPT -> str(((Op.Adopt) op).name()) + data(((Op.Adopt) op).content().remaining());
            case MARK -> str(((Op.Mark) op).name());
            case MONITOR -> str(((Op.Monitor) op).host()) + str(((Op.Monitor) op).client())
                    + str(((Op.Monitor) op).server());
            case SETATTR, COMMIT, ABORT -> 0;
        };
    }

    private static int str(String s) {
        return data(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    private static int data(int n) {
        return n + (n < 128 ? 1 : n < 16384 ? 2 : 3);
    }

    @Test
    void malformedBodiesAreRefusedNotMisread() {
        OpCodec.Encoder enc = new OpCodec.Encoder(1, 1, T0);
        byte[] good = body(enc, new OpRecord(1, 1, T0, V4, new Op.Remove(5, "name", 6, T0 * 1000)));
        Random rnd = new Random(7);
        int refused = 0;
        for (int cut = 0; cut < good.length; cut++) {
            byte[] shortened = java.util.Arrays.copyOf(good, cut);
            assertThrows(RecordFormatException.class,
                    () -> new OpCodec.Decoder(1, 1, T0).decode(Bytes.wrapForRead(shortened)), "cut at " + cut);
            refused++;
        }
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
        assertThrows(RecordFormatException.class, () -> new OpCodec.Decoder(1, 1, T0).decode(Bytes.wrapForRead(longer)));
        byte[] badType = good.clone();
        badType[0] = 99;
        assertThrows(RecordFormatException.class, () -> new OpCodec.Decoder(1, 1, T0).decode(Bytes.wrapForRead(badType)));
        // random garbage never escapes as anything but a RecordFormatException
        for (int i = 0; i < 10_000; i++) {
            byte[] junk = new byte[rnd.nextInt(64)];
            rnd.nextBytes(junk);
            try {
                new OpCodec.Decoder(1, 1, T0).decode(Bytes.wrapForRead(junk));
            } catch (RecordFormatException e) {
                refused++;
            }
        }
        assertTrue(refused > good.length);
    }
}
