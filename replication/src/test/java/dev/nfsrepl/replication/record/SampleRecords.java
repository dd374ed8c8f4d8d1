package dev.nfsrepl.replication.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/** Records of every type with realistic and with extreme field values, for codec and log tests. */
public final class SampleRecords {

    public static final int EPOCH = 3;
    static final long BASE = (long) EPOCH << 48;

    private SampleRecords() {
    }

    /** One op of every type, ids of the log's own epoch, times near {@code nanos}. */
    public static List<Op> everyType(long nanos) {
        Attrs file = new Attrs(0644, 1000, 1000, 0, nanos, nanos);
        return List.of(
                new Op.Create(BASE + 1, "hello.txt", BASE + 42, Op.CreateHow.GUARDED, false, 0, file, nanos),
                new Op.Create(BASE + 1, "excl", BASE + 43, Op.CreateHow.EXCLUSIVE, false, 0x1122334455667788L, file, nanos),
                new Op.Create(BASE + 1, "again", BASE + 44, Op.CreateHow.UNCHECKED, true, 0,
                        new Attrs(0600, 0, 0, 0, nanos - 5_000_000_000L, nanos), nanos),
                new Op.Mkdir(BASE + 1, "src", BASE + 45, new Attrs(0755, 1000, 1000, 0, nanos, nanos), nanos),
                new Op.Symlink(BASE + 45, "link", BASE + 46, "../hello.txt", new Attrs(0777, 1000, 1000, 12, nanos, nanos),
                        nanos),
                new Op.Mknod(BASE + 45, "fifo", BASE + 47, ObjectType.FIFO, new Attrs(0600, 1000, 1000, 0, nanos, nanos), nanos),
                new Op.Mknod(BASE + 45, "sock", BASE + 48, ObjectType.SOCKET, new Attrs(0600, 1000, 1000, 0, nanos, nanos), nanos),
                new Op.Write(BASE + 42, 0, ByteBuffer.wrap("hello, world\n".getBytes(StandardCharsets.UTF_8)),
                        Op.Stability.FILE_SYNC, nanos),
                new Op.Write(BASE + 42, 5L << 30, ByteBuffer.wrap(new byte[4096]), Op.Stability.UNSTABLE, nanos),
                new Op.SetAttrs(BASE + 42, 04755, null, null, null, null, null),
                new Op.SetAttrs(BASE + 42, null, 0, 0, 0L, nanos - 86_400_000_000_000L, nanos), // touch -d yesterday
                new Op.Remove(BASE + 45, "fifo", BASE + 47, nanos),
                new Op.Rmdir(BASE + 1, "old", BASE + 9, nanos),
                new Op.Rename(BASE + 1, "hello.txt", BASE + 45, "hello2.txt", BASE + 42, 0, nanos, nanos),
                new Op.Rename(BASE + 45, "a", BASE + 45, "b", BASE + 50, (1L << 48) + 7, nanos, nanos),
                new Op.Link(BASE + 42, BASE + 1, "hard", nanos),
                new Op.Commit(BASE + 42),
                new Op.Adopt(BASE + 1, "dropped-in", BASE + 51, ObjectType.REGULAR,
                        new Attrs(0644, 0, 0, 3, nanos - 1000, nanos - 2000), ByteBuffer.wrap(new byte[] {1, 2, 3}), nanos - 500),
                new Op.Abort(5, 28),
                new Op.Mark("before the upgrade, 2026-11-30 10:00"),
                new Op.Monitor("guest-a.example", "10.214.0.11", "10.214.0.1", true),
                new Op.Monitor("v6 host", "fd00::12", "fd00::1", false));
    }

    /** Extreme values: ids of other epochs and the top of the range, 255-byte names, max uids. */
    public static List<Op> extremes(long nanos) {
        String longName = "n".repeat(255);
        return List.of(
                new Op.Create(1, longName, -1L, Op.CreateHow.UNCHECKED, false, 0,
                        new Attrs(07777, -1, -2, 0, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2), 0),
                new Op.Rename(Long.MAX_VALUE, "é✓", Long.MIN_VALUE, "x", 0xFFFFL << 48, -1L, 0, Long.MAX_VALUE / 3),
                new Op.SetAttrs(0, -1, -1, -1, Long.MAX_VALUE, 0L, -nanos),
                new Op.SetAttrs(0, null, null, null, null, 1_000_000_000L, null), // touch -d 1970
                new Op.Write(BASE + 1, Long.MAX_VALUE - 10, ByteBuffer.allocate(0), Op.Stability.DATA_SYNC, 0));
    }

    /** A random op for property and corruption tests. */
    public static Op random(Random rnd, long nanos) {
        List<Op> all = everyType(nanos);
        Op op = all.get(rnd.nextInt(all.size()));
        if (op instanceof Op.Write w) {
            byte[] data = new byte[rnd.nextInt(3) == 0 ? rnd.nextInt(70_000) : rnd.nextInt(200)];
            rnd.nextBytes(data);
            return new Op.Write(w.id(), rnd.nextInt(1 << 20), ByteBuffer.wrap(data), w.stability(), nanos);
        }
        if (op instanceof Op.Abort) {
            return new Op.Commit(BASE + rnd.nextInt(1000));
        }
        return op;
    }
}
