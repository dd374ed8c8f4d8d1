// Point-in-time recovery figures (a benchmark, not a test). Run as a single-file program after
// `mvn -pl nfs-server -am package -DskipTests`:
//
//   java $(grep -v '^#' jvm.options) -cp "nfs-server/target/nfs-server.jar:nfs-server/target/lib/*" \
//        bench/PitrBench.java DIR [RECORDS] [FILES]      # defaults: 10,000,000 (0: no query part) and 20,000
//
// 1. Query: writes a journal of RECORDS records over 10 hours (creates of files in 100 directories and
//    1-byte writes to them, from 20 clients), saves its names snapshots, then asks for one
//    directory's operations in one hour (through the time index), and the same over the whole
//    journal (no time range: a scan), and prints records read and records read per second.
// 2. Restore: a journal of FILES files of 4 KiB in 100 directories (written through the journaled
//    export, as clients would), then restores one directory (1 % of the files) and the whole export
//    as of the end, and a full replay of the journal into an empty directory (what restoring
//    without choosing the records would cost): files/s, MB/s, and the ratios.

import dev.nfsrepl.fs.CreateMode;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.SetAttr;
import dev.nfsrepl.fs.Stability;
import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.journal.Journal;
import dev.nfsrepl.journal.JournalTool;
import dev.nfsrepl.journal.NameSnapshots;
import dev.nfsrepl.journal.OpsFilter;
import dev.nfsrepl.journal.OpsQuery;
import dev.nfsrepl.journal.RecordingFileSystem;
import dev.nfsrepl.journal.Restore;
import dev.nfsrepl.replication.log.LogConfig;
import dev.nfsrepl.replication.log.LogKind;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.Attrs;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.Origin;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;

public class PitrBench {

    static final long HOUR_US = 3_600_000_000L;

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args.length > 0 ? args[0] : Files.createTempDirectory("pitrbench").toString());
        long records = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        int files = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        if (records > 0) {
            query(base.resolve("query"), records);
        }
        restore(base.resolve("restore"), files);
    }

    static void query(Path dir, long records) throws Exception {
        long root = 1;
        long t0 = 1_780_000_000_000_000L;
        long step = 10 * HOUR_US / records;
        long start = System.nanoTime();
        try (SegmentLog log = SegmentLog.open(dir.resolve("log"), LogKind.JOURNAL, LogConfig.DEFAULTS,
                Clock.systemUTC())) {
            Random rnd = new Random(1);
            int live = 0;
            long nextFile = 0x100000;
            for (long s = 1; s <= records; s++) {
                long t = t0 + s * step;
                Origin who = Origin.of(1000 + (int) (s % 20), 1000, InetAddress.getByAddress(new byte[] {10, 0, 0,
                        (byte) (s % 20)}), (int) s);
                Op op;
                if (s <= 100) {
                    op = new Op.Mkdir(root, "d" + s, s + 0x1000, new Attrs(0755, 0, 0, 0, t * 1000, t * 1000), t * 1000);
                } else if (live < 10_000 || rnd.nextInt(10) == 0) {
                    long d = 0x1001 + rnd.nextInt(100);
                    op = new Op.Create(d, "f" + nextFile, nextFile++, Op.CreateHow.GUARDED, false, 0,
                            new Attrs(0644, 1000, 1000, 0, t * 1000, t * 1000), t * 1000);
                    live++;
                } else {
                    long id = nextFile - 1 - rnd.nextInt(live);
                    op = new Op.Write(id, rnd.nextInt(1 << 20), ByteBuffer.wrap(new byte[] {(byte) s}),
                            Op.Stability.UNSTABLE, t * 1000);
                }
                log.appendRecord(new OpRecord(s, 1, t, who, op));
            }
            log.sync(log.lastSeq());
            double wrote = (System.nanoTime() - start) / 1e9;
            long snap = System.nanoTime();
            NameSnapshots names = new NameSnapshots(dir.resolve("names"), root);
            int n = names.update(log);
            double snapS = (System.nanoTime() - snap) / 1e9;
            System.out.printf("journal: %,d records, %,d MiB in %d segments, written in %.1f s; %d names snapshots "
                    + "in %.1f s%n", records, log.bytes() >> 20, log.segmentCount(), wrote, n, snapS);
            long from = t0 + 5 * HOUR_US;
            for (int round = 1; round <= 2; round++) {
                run("one hour, /d42 (time index)", log, names, new OpsFilter(1, Long.MAX_VALUE, from,
                        from + HOUR_US, "/d42", null, null, null, null));
                run("whole journal, /d42 (scan)", log, names, new OpsFilter(1, Long.MAX_VALUE, Long.MIN_VALUE,
                        Long.MAX_VALUE, "/d42", null, null, null, null));
            }
        }
    }

    static void run(String what, SegmentLog log, NameSnapshots names, OpsFilter f) throws Exception {
        long t = System.nanoTime();
        OpsQuery.Page p = new OpsQuery(log, names, f).run(Integer.MAX_VALUE);
        double s = (System.nanoTime() - t) / 1e9;
        System.out.printf("query %-30s %,8d matches, %,11d records read in %6.2f s (%,.0f records/s)%n", what,
                p.records().size(), p.scanned(), s, p.scanned() / s);
    }

    static void restore(Path dir, int files) throws Exception {
        Path export = Files.createDirectories(dir.resolve("export"));
        Identity who = Identity.ROOT;
        byte[] data = new byte[4096];
        new Random(2).nextBytes(data);
        try (LocalFileSystem local = new LocalFileSystem(export, dir.resolve("state"), Clock.systemUTC()).start()) {
            local.setSyncMetadata(false);
            Journal journal = Journal.open(dir.resolve("journal"), local, LogConfig.DEFAULTS, Clock.systemUTC());
            try {
                RecordingFileSystem fs = new RecordingFileSystem(local, journal);
                long[] dirs = new long[100];
                for (int d = 0; d < dirs.length; d++) {
                    dirs[d] = fs.mkdir(who, fs.rootId(), "d" + d, SetAttr.NONE);
                }
                for (int i = 0; i < files; i++) {
                    long f = fs.create(who, dirs[i % dirs.length], "f" + i, CreateMode.GUARDED, SetAttr.mode(0644), null);
                    fs.write(who, f, 0, ByteBuffer.wrap(data), Stability.UNSTABLE);
                }
                long seq = journal.log().lastSeq();
                journal.sync(seq);
                System.out.printf("restore journal: %,d files of 4 KiB in %d directories, %,d records%n", files,
                        dirs.length, seq);
                for (int round = 1; round <= 2; round++) {
                    double one = timedRestore(journal, fs, "/d7", seq, "/restored-d7-" + round, files / 100);
                    double all = timedRestore(journal, fs, "/", seq, "/restored-all-" + round, files);
                    long t = System.nanoTime();
                    JournalTool.replay(dir.resolve("journal"), dir.resolve("replay-" + round), dir.resolve("replay-state-"
                            + round), m -> { });
                    double replay = (System.nanoTime() - t) / 1e9;
                    System.out.printf("round %d: full replay into an empty directory %.2f s (%,.0f files/s); restore "
                            + "of 1 %% of the files is %.1fx faster, of everything %.2fx%n", round, replay,
                            files / replay, replay / one, replay / all);
                }
            } finally {
                journal.close();
            }
        }
    }

    static double timedRestore(Journal journal, RecordingFileSystem fs, String path, long seq, String into,
                               int files) throws Exception {
        long t = System.nanoTime();
        Restore.Result r = new Restore(journal.source(), fs, Clock.systemUTC()).run(
                new Restore.Request(path, seq, null, into, false), new Restore.Progress() {
                    @Override
                    public void phase(String name, long total) {
                    }

                    @Override
                    public void step() {
                    }
                });
        double s = (System.nanoTime() - t) / 1e9;
        System.out.printf("restore %-4s %.2f s: %,d files (%.0f files/s, %.1f MB/s), %,d records applied, %,d left out%n",
                path, s, r.copied().files(), r.copied().files() / s, r.copied().bytes() / s / 1e6, r.recordsApplied(),
                r.recordsLeftOut());
        return s;
    }
}
