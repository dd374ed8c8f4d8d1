package dev.nfsrepl.journal;

import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.log.LogKind;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.OpRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.nfsrepl.replication.record.RecordFormatException;
import dev.nfsrepl.replication.wire.Batch;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The records a node wrote as an older epoch's primary that the primary after it never received,
 * kept when it returned as a backup ({@link ReplicaStore#divergeFrom}): {@code JDIR/export-*}
 * {@code /divergence/NAME/}, each a segment log of those records (NAME: {@code epoch-E-from-SEQ-TIME}).
 * Read-only here. Thread-safe.
 */
public final class Divergence {

    private Divergence() {
    }

    /** The divergence directories of the journal in {@code journalDir}, oldest name first, each summed up. */
    public static List<Map<String, Object>> list(Path journalDir) throws IOException {
        Path dir = journalDir.resolve("divergence");
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> all;
        try (var s = Files.list(dir)) {
            all = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path d : all) {
            out.add(summary(d));
        }
        return out;
    }

    /** The records of divergence {@code name}, each as the ops query shows one (without paths: names are the old primary's). */
    public static List<Map<String, Object>> records(Path journalDir, String name) throws IOException, RestoreException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (OpRecord r : read(journalDir, name)) {
            out.add(RecordView.fields(r, null, null));
        }
        return out;
    }

    /** The records of divergence {@code name}, oldest first (the first is the fork). */
    public static List<OpRecord> read(Path journalDir, String name) throws IOException, RestoreException {
        Path d = journalDir.resolve("divergence").resolve(name);
        if (name.contains("/") || name.startsWith(".") || !Files.isDirectory(d)) {
            throw new RestoreException(RestoreException.Kind.NOT_FOUND, "no divergence named '" + name + "'");
        }
        List<OpRecord> out = new ArrayList<>();
        try (SegmentLog log = SegmentLog.openReadOnly(d, LogKind.RECEIVED); LogCursor c = log.readFromSeq(1)) {
            for (OpRecord r; (r = c.next()) != null; ) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Where the histories part: the first record of divergence {@code name} the new primary lacks
     * ({@code records}, as {@link #read} gave them, start there unless a resync's copy held the first).
     */
    public static long fork(Path journalDir, String name, List<OpRecord> records) throws IOException {
        long first = records.isEmpty() ? 0 : records.get(0).seq();
        return SeqFile.read(journalDir.resolve("divergence").resolve(name).resolve("fork"), first);
    }

    /**
     * Refuses a replay the records cannot make right: of another export (its identity differs), or
     * whose first records are not among them (a full resync's copy held them; names before the records
     * kept are then unknown).
     */
    public static void checkReplayable(JournalIdentity primary, long rootId, int generation, long fork,
                                       List<OpRecord> records) throws RestoreException {
        if (primary.rootId() != rootId || primary.generation() != generation) {
            throw new RestoreException(RestoreException.Kind.CONFLICT, "the divergence is of export root "
                    + Long.toHexString(rootId) + " generation " + Integer.toHexString(generation) + ", this primary's "
                    + "journal of " + Long.toHexString(primary.rootId()) + " generation "
                    + Integer.toHexString(primary.generation()));
        }
        if (records.get(0).seq() != fork) {
            throw new RestoreException(RestoreException.Kind.CONFLICT, "records #" + fork + "..#"
                    + (records.get(0).seq() - 1) + " of the divergence came in a full resync's copy and were not "
                    + "kept one by one: the records kept (from #" + records.get(0).seq() + ") cannot be replayed by "
                    + "path; compare the trees instead");
        }
    }

    /**
     * Records as they travel from the node that kept them to the primary that replays them: base64
     * text of one replication {@link Batch} per run of records of one epoch (each record with its
     * CRC32C; decoding checks every name, as a backup does).
     */
    public static List<String> encode(List<OpRecord> records) {
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int i = 1; i <= records.size(); i++) {
            if (i == records.size() || records.get(i).epoch() != records.get(from).epoch()) {
                out.add(Base64.getEncoder().encodeToString(new Batch(0, records.subList(from, i)).encode()));
                from = i;
            }
        }
        return out;
    }

    /** See {@link #encode}; a malformed one is a BAD_REQUEST naming it. */
    public static List<OpRecord> decode(List<?> batches) throws RestoreException {
        List<OpRecord> out = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            try {
                Batch b = Batch.decode(Base64.getDecoder().decode(String.valueOf(batches.get(i))));
                for (OpRecord r : b.records()) {
                    if (!out.isEmpty() && r.seq() != out.get(out.size() - 1).seq() + 1) {
                        throw new RestoreException(RestoreException.Kind.BAD_REQUEST, "batch " + i + ": record #"
                                + r.seq() + " does not follow #" + out.get(out.size() - 1).seq());
                    }
                    out.add(r);
                }
            } catch (IllegalArgumentException | RecordFormatException e) {
                throw new RestoreException(RestoreException.Kind.BAD_REQUEST, "batch " + i + " of the divergence is "
                        + "malformed: " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new RestoreException(RestoreException.Kind.BAD_REQUEST, "a divergence without records");
        }
        return out;
    }

    /**
     * Refuses records that are this journal's own (the primary's record at the fork is the first of
     * them): replaying them would make every change twice.
     */
    public static void checkForeign(SegmentLog primary, List<OpRecord> records) throws IOException, RestoreException {
        OpRecord first = records.get(0);
        try (LogCursor c = primary.readFromSeq(first.seq())) {
            OpRecord mine = c.next();
            if (mine != null && mine.seq() == first.seq() && mine.epoch() == first.epoch()
                    && mine.timeMicros() == first.timeMicros()) {
                throw new RestoreException(RestoreException.Kind.CONFLICT, "record #" + first.seq() + " of epoch "
                        + first.epoch() + " is this primary's own: these records are in its history, not a divergence");
            }
        }
    }

    private static Map<String, Object> summary(Path d) throws IOException {
        Map<String, Long> byType = new TreeMap<>();
        long count = 0;
        Long firstTime = null;
        long lastTime = 0;
        long first = 0;
        long last = 0;
        try (SegmentLog log = SegmentLog.openReadOnly(d, LogKind.RECEIVED); LogCursor c = log.readFromSeq(1)) {
            for (OpRecord r; (r = c.next()) != null; ) {
                count++;
                byType.merge(r.type().name(), 1L, Long::sum);
                if (firstTime == null) {
                    firstTime = r.timeMicros();
                    first = r.seq();
                }
                lastTime = r.timeMicros();
                last = r.seq();
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.getFileName().toString());
        m.put("records", count);
        m.put("firstSeq", first);
        m.put("lastSeq", last);
        m.put("from", firstTime == null ? null : RecordView.time(firstTime));
        m.put("to", firstTime == null ? null : RecordView.time(lastTime));
        m.put("byType", byType);
        m.put("dir", d.toString());
        return m;
    }
}
