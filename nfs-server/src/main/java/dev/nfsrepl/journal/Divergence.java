package dev.nfsrepl.journal;

import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.log.LogKind;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.OpRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        Path d = journalDir.resolve("divergence").resolve(name);
        if (name.contains("/") || name.startsWith(".") || !Files.isDirectory(d)) {
            throw new RestoreException(RestoreException.Kind.NOT_FOUND, "no divergence named '" + name + "'");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        try (SegmentLog log = SegmentLog.openReadOnly(d, LogKind.RECEIVED); LogCursor c = log.readFromSeq(1)) {
            for (OpRecord r; (r = c.next()) != null; ) {
                out.add(RecordView.fields(r, null, null));
            }
        }
        return out;
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
