// How fast a backup applies replicated records (a benchmark, not a test): the applier a backup
// uses (RecordApplier over LocalFileSystem, metadata not synced, as ReplicaStore sets it up) fed
// the records of a catch-up: FILES new files, each a GUARDED CREATE then one 4 KiB WRITE, spread
// over DIRS directories. Run as a single-file program after `mvn -pl nfs-server -am package -DskipTests`:
//
//   java $(grep -v '^#' jvm.options) -cp "nfs-server/target/nfs-server.jar:nfs-server/target/lib/*" \
//        bench/ApplyBench.java [DIR] [FILES] [DIRS]      # defaults: a temp dir, 20000, 100
//
// Prints records/s of a first (cold: the JIT compiles) and a second round into a fresh tree.

import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.journal.RecordApplier;
import dev.nfsrepl.replication.record.Attrs;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.Origin;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

public class ApplyBench {

    static final Origin CLIENT = new Origin(1000, 1000, new byte[] {127, 0, 0, 1}, 7);

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("applybench");
        int files = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int dirs = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        for (int round = 1; round <= 2; round++) {
            Path export = Files.createDirectories(base.resolve("round" + round + "/export"));
            try (LocalFileSystem fs = new LocalFileSystem(export, base.resolve("round" + round + "/state"),
                    Clock.systemUTC()).start()) {
                fs.setSyncMetadata(false);
                List<OpRecord> records = records(fs.rootId(), files, dirs);
                RecordApplier applier = new RecordApplier(fs);
                long t0 = System.nanoTime();
                for (OpRecord r : records) {
                    RecordApplier.Outcome o = applier.apply(r);
                    if (o != RecordApplier.Outcome.APPLIED) {
                        throw new IllegalStateException(r + ": " + o);
                    }
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("round %d: %d records (%d files in %d directories) in %.2f s: %.0f records/s%n", round,
                        records.size(), files, dirs, s, records.size() / s);
            }
        }
    }

    static List<OpRecord> records(long root, int files, int dirs) {
        long epoch = root >>> 48;
        long nextId = (epoch << 48) + 1_000_000;
        long t = System.currentTimeMillis() * 1_000_000L;
        List<OpRecord> out = new ArrayList<>();
        long seq = 1;
        long[] dirIds = new long[dirs];
        for (int d = 0; d < dirs; d++) {
            dirIds[d] = nextId++;
            out.add(new OpRecord(seq++, (int) epoch, 0, CLIENT,
                    new Op.Mkdir(root, "d" + d, dirIds[d], new Attrs(0755, 1000, 1000, 0, t, t), t)));
        }
        byte[] data = new byte[4096];
        for (int f = 0; f < files; f++) {
            long id = nextId++;
            t += 1000;
            out.add(new OpRecord(seq++, (int) epoch, 0, CLIENT, new Op.Create(dirIds[f % dirs], "file-" + f, id,
                    Op.CreateHow.GUARDED, false, 0, new Attrs(0644, 1000, 1000, 0, t, t), t)));
            data[0] = (byte) f;
            out.add(new OpRecord(seq++, (int) epoch, 0, CLIENT, new Op.Write(id, 0, ByteBuffer.wrap(data.clone()),
                    Op.Stability.FILE_SYNC, t + 500)));
        }
        return out;
    }
}
