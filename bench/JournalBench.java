// Journal micro-benchmarks for issue 4 (a benchmark, not a test). Run as a single-file program with
// the nfs-server jars on the class path (after `mvn -pl nfs-server -am package -DskipTests`):
//
//   java $(grep -v '^#' jvm.options) -cp "nfs-server/target/nfs-server.jar:nfs-server/target/lib/*" \
//        bench/JournalBench.java [DIR]       # DIR: where the journal is written (default: a temp dir)
//
// Prints: bytes and encode/decode ns per record type (realistic records: 12-byte names, 4 KiB writes,
// ids and times as the server writes them), then journal appends per second with every append
// synced (1 thread, one fsync per record), and with 1, 4, 16 and 64 threads sharing fsyncs (group
// commit).

import dev.nfsrepl.replication.log.LogConfig;
import dev.nfsrepl.replication.log.LogKind;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.Attrs;
import dev.nfsrepl.replication.record.ObjectType;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpCodec;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.Origin;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.Bytes;

public class JournalBench {

    static final long E = 1L << 48;

    static List<Op> samples(long t) {
        Attrs a = new Attrs(0644, 1000, 1000, 0, t, t);
        return List.of(
                new Op.Create(E + 10_000, "file-000042.c", E + 123_456, Op.CreateHow.GUARDED, false, 0, a, t),
                new Op.Mkdir(E + 10_000, "directory-01", E + 123_457, new Attrs(0755, 1000, 1000, 0, t, t), t),
                new Op.Symlink(E + 10_000, "link-0000042", E + 123_458, "../target/file", a, t),
                new Op.Mknod(E + 10_000, "fifo-0000042", E + 123_459, ObjectType.FIFO, a, t),
                new Op.Write(E + 123_456, 1L << 20, ByteBuffer.allocate(4096), Op.Stability.UNSTABLE, t),
                new Op.SetAttrs(E + 123_456, 0600, null, null, null, null, null),
                new Op.Remove(E + 10_000, "file-000042.c", E + 123_456, t),
                new Op.Rmdir(E + 10_000, "directory-01", E + 123_457, t),
                new Op.Rename(E + 10_000, "file-000042.c", E + 10_001, "file-000043.c", E + 123_456, 0, t, t),
                new Op.Link(E + 123_456, E + 10_001, "hardlink-042", t),
                new Op.Commit(E + 123_456),
                new Op.Abort(99, 28));
    }

    public static void main(String[] args) throws Exception {
        codec();
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("journal-bench");
        appends(dir);
    }

    static void codec() {
        Origin who = new Origin(1000, 1000, new byte[] {10, 0, 0, 7}, 0x1234_5678);
        System.out.printf("%-8s %8s %12s %12s%n", "record", "bytes", "encode ns", "decode ns");
        long t0 = 1_790_000_000_000_000L;
        for (Op op : samples(t0 * 1000)) {
            int n = 200_000;
            Bytes<?> out = Bytes.allocateElasticOnHeap(8192);
            byte[] body = null;
            long enc = 0;
            long dec = 0;
            for (int round = 0; round < 3; round++) { // the last round is measured
                OpCodec.Encoder e = new OpCodec.Encoder(1, 100, t0);
                long s = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    out.clear();
                    ByteBuffer bulk = e.encode(new OpRecord(100 + i, 1, t0 + i * 10L, who, op), out);
                    if (i == 0) {
                        byte[] prefix = out.toByteArray();
                        body = new byte[prefix.length + bulk.remaining()];
                        System.arraycopy(prefix, 0, body, 0, prefix.length);
                        bulk.get(body, prefix.length, bulk.remaining());
                    }
                }
                enc = (System.nanoTime() - s) / n;
                s = System.nanoTime();
                Bytes<byte[]> in = Bytes.wrapForRead(body);
                for (int i = 0; i < n; i++) {
                    in.readPosition(0);
                    new OpCodec.Decoder(1, 100, t0).decode(in);
                }
                dec = (System.nanoTime() - s) / n;
            }
            int frame = body.length + (body.length < 128 ? 1 : body.length < 16384 ? 2 : 3) + 4;
            System.out.printf("%-8s %8d %12d %12d%n", op.type(), frame, enc, dec);
        }
        System.out.println("(bytes: the whole frame: length, body, CRC32C; WRITE with 4 KiB of data)");
    }

    static void appends(Path dir) throws Exception {
        Origin who = new Origin(0, 0, new byte[] {127, 0, 0, 1}, 1);
        Op op = new Op.Remove(E + 10_000, "file-000042.c", E + 123_456, 0);
        System.out.printf("%nappends to %s, each synced before the next (Remove records, %d bytes)%n", dir, 45);
        for (int threads : new int[] {1, 1, 4, 16, 64}) {
            Path d = Files.createTempDirectory(dir, "log");
            try (SegmentLog log = SegmentLog.open(d, LogKind.JOURNAL, LogConfig.DEFAULTS, Clock.systemUTC())) {
                AtomicLong done = new AtomicLong();
                long until = System.nanoTime() + 5_000_000_000L;
                CountDownLatch end = new CountDownLatch(threads);
                for (int i = 0; i < threads; i++) {
                    new Thread(() -> {
                        try {
                            while (System.nanoTime() < until) {
                                OpRecord r = log.append(1, who, op);
                                log.sync(r.seq());
                                done.incrementAndGet();
                            }
                        } catch (Exception e) {
                            e.printStackTrace();
                        } finally {
                            end.countDown();
                        }
                    }).start();
                }
                end.await();
                System.out.printf("%3d thread(s): %8.0f appends/s, %6.0f fsyncs/s, %.1f records per fsync%n", threads,
                        done.get() / 5.0, log.fsyncs() / 5.0, done.get() / (double) Math.max(1, log.fsyncs()));
            }
        }
    }
}
