package dev.nfsrepl.journal;

import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.replication.log.LogCorruptException;
import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.log.LogKind;
import dev.nfsrepl.replication.log.RecoveryReport;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.OpType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What {@code nfsrepl journal ...} does, as an API (tests use it too). Tools only read a journal:
 * they never cut, move or append to it.
 */
public final class JournalTool {

    private JournalTool() {
    }

    /**
     * The journal directory of one export: {@code dir} itself when it holds {@code log/}, or its
     * only {@code export-*} subdirectory (the layout of {@code serve --journal}).
     */
    public static Path exportJournal(Path dir) throws IOException {
        if (Files.isDirectory(dir.resolve("log"))) {
            return dir;
        }
        List<Path> exports;
        try (Stream<Path> s = Files.list(dir)) {
            exports = s.filter(p -> Files.isDirectory(p.resolve("log"))).sorted().toList();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(dir + ": no such journal directory");
        }
        if (exports.size() != 1) {
            throw new IOException(dir + ": " + (exports.isEmpty() ? "holds no journal (no log/ in it or below it)"
                    : "holds the journals of " + exports.size() + " exports; name one of " + exports));
        }
        return exports.get(0);
    }

    public static SegmentLog open(Path exportJournal) throws IOException {
        return SegmentLog.openReadOnly(exportJournal.resolve("log"), LogKind.JOURNAL);
    }

    /** Counts and sizes, and the damage found (if any). */
    public record Stats(long records, long firstSeq, long lastSeq, long firstTimeMicros, long lastTimeMicros,
                        long bytes, int segments, Map<OpType, Long> countByType, Map<OpType, Long> dataBytesByType,
                        List<RecoveryReport.Cut> damage) {
    }

    /** Reads every record (checking every CRC). */
    public static Stats stats(Path exportJournal) throws IOException {
        try (SegmentLog log = open(exportJournal); LogCursor c = log.readFromSeq(0)) {
            Map<OpType, Long> count = new EnumMap<>(OpType.class);
            Map<OpType, Long> data = new EnumMap<>(OpType.class);
            long n = 0;
            long firstTime = 0;
            long lastTime = 0;
            for (OpRecord r; (r = c.next()) != null; ) {
                if (n++ == 0) {
                    firstTime = r.timeMicros();
                }
                lastTime = r.timeMicros();
                count.merge(r.type(), 1L, Long::sum);
                if (r.op() instanceof dev.nfsrepl.replication.record.Op.Write w) {
                    data.merge(r.type(), (long) w.data().remaining(), Long::sum);
                }
            }
            return new Stats(n, log.firstSeq(), log.lastSeq(), firstTime, lastTime, log.bytes(), log.segmentCount(),
                    count, data, log.recovery().cuts());
        } catch (LogCorruptException e) {
            throw e;
        }
    }

    /** Passes every record, with its path (derived from FileIds), to {@code out}. */
    public static void dump(Path exportJournal, long fromSeq, long limit, Consumer<Map<String, Object>> out)
            throws IOException {
        JournalIdentity id = JournalIdentity.read(exportJournal);
        RecordPaths paths = new RecordPaths(id.rootId());
        try (SegmentLog log = open(exportJournal); LogCursor c = log.readFromSeq(0)) {
            long shown = 0;
            for (OpRecord r; (r = c.next()) != null && shown < limit; ) {
                String p = paths.pathOf(r);
                String to = paths.renamedTo(r);
                paths.follow(r);
                if (r.seq() >= fromSeq) {
                    out.accept(RecordView.fields(r, p, to));
                    shown++;
                }
            }
        }
    }

    /**
     * Rebuilds the tree of the journal in {@code into} (empty or missing), keeping the identity
     * index in {@code stateDir}; the root gets the journaled export's identity, so its handles
     * and FileIds are the same. Reports progress to {@code progress} (about once a second).
     */
    public static Replay.Result replay(Path exportJournal, Path into, Path stateDir, Consumer<String> progress)
            throws IOException, dev.nfsrepl.fs.error.FsException {
        Files.createDirectories(into);
        try (Stream<Path> s = Files.list(into)) {
            if (s.findAny().isPresent()) {
                throw new IOException(into + " is not empty: replay rebuilds a tree in an empty directory");
            }
        }
        JournalIdentity id = JournalIdentity.read(exportJournal);
        try (SegmentLog log = open(exportJournal);
             LocalFileSystem target = new LocalFileSystem(into, stateDir, Clock.systemUTC())
                     .withIdentity(id.rootId(), id.generation()).start()) {
            target.setSyncMetadata(false);
            long total = log.lastSeq() - log.firstSeq() + 1;
            long[] lastReport = {System.nanoTime()};
            long[] seen = {0};
            Replay.Result res = Replay.run(log, log.firstSeq(), log.lastSeq(), new RecordApplier(target),
                    (r, e) -> progress.accept("record " + r.seq() + " (" + r.type() + ") failed: " + e.getMessage()),
                    r -> {
                        seen[0]++;
                        if (System.nanoTime() - lastReport[0] > 1_000_000_000L) {
                            lastReport[0] = System.nanoTime();
                            progress.accept(String.format("replayed %d of %d records (%d%%)", seen[0], total,
                                    total == 0 ? 100 : seen[0] * 100 / total));
                        }
                    });
            Journal.syncFileSystem(into);
            return res;
        }
    }
}
