package dev.nfsrepl.journal;

import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.OpRecord;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the records of a journal that match an {@link OpsFilter}, oldest first, a page at a time.
 * It starts reading at the journal's sparse index entry for the filter's first seq and time (so
 * an hour of a long journal reads about that hour), and learns the names of objects from the
 * {@link NameSnapshots} snapshot before that point, following the records between the snapshot
 * and the first record read: a record's path is the path its object had at the record's time.
 *
 * <p>Not thread-safe; one instance per query.
 */
public final class OpsQuery {

    /**
     * One page of matching records.
     *
     * @param records    the matching records' fields ({@link RecordView}), oldest first
     * @param next       the seq to ask from for the next page (same filter), or null when there is none
     * @param scanned    records read to find these, those read only to learn names included
     * @param namesFrom  the seq the names were learnt from (a snapshot's, or the journal's start)
     */
    public record Page(List<Map<String, Object>> records, Long next, long scanned, long namesFrom) {
    }

    private final SegmentLog log;
    private final NameSnapshots names;
    private final OpsFilter filter;
    private final PathMatcher glob;

    public OpsQuery(SegmentLog log, NameSnapshots names, OpsFilter filter) {
        this.log = log;
        this.names = names;
        this.filter = filter;
        this.glob = filter.globMatcher();
    }

    /** A matching record, with its path and a RENAME's destination as of just before it. */
    public interface Match {
        /** @return false to stop */
        boolean accept(OpRecord r, String path, String to) throws IOException;
    }

    /** What a {@link #forEach} read: {@code stoppedAt} is the seq of the last record accepted when the visitor stopped (else null). */
    public record Scan(Long stoppedAt, long scanned, long namesFrom) {
    }

    /** Up to {@code limit} matching records, starting at the filter's first seq and time. */
    public Page run(int limit) throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        Scan scan = forEach((r, path, to) -> {
            out.add(RecordView.fields(r, path, to));
            return out.size() < limit;
        });
        return new Page(out, scan.stoppedAt() == null ? null : scan.stoppedAt() + 1, scan.scanned(), scan.namesFrom());
    }

    /** Passes each matching record, oldest first, until there is none or {@code visitor} stops. */
    public Scan forEach(Match visitor) throws IOException {
        long scanned = 0;
        try (LogCursor c = log.readFrom(filter.fromSeq(), filter.fromMicros())) {
            OpRecord r = c.next();
            if (r == null || beyond(r)) {
                return new Scan(null, scanned, filter.fromSeq());
            }
            NameSnapshots.Names known = names.before(r.seq(), log.firstSeq());
            RecordPaths paths = known.paths();
            scanned += learn(paths, known.beforeSeq(), r.seq());
            for (; r != null && !beyond(r); r = c.next()) {
                scanned++;
                boolean match = filter.matchesRecord(r);
                String path = null;
                String to = null;
                if (match || filter.needsPaths()) {
                    path = paths.pathOf(r);
                    to = paths.renamedTo(r);
                    match = match && filter.underPath(path, to) && globbed(path, to);
                }
                paths.follow(r);
                if (match && !visitor.accept(r, path, to)) {
                    return new Scan(r.seq(), scanned, known.beforeSeq());
                }
            }
            return new Scan(null, scanned, known.beforeSeq());
        }
    }

    /** The names {@code log} knew just before record {@code seq} (from the newest snapshot before it, then its records). */
    public static RecordPaths namesBefore(SegmentLog log, NameSnapshots names, long seq) throws IOException {
        NameSnapshots.Names known = names.before(seq, log.firstSeq());
        RecordPaths paths = known.paths();
        try (LogCursor c = log.readFromSeq(known.beforeSeq())) {
            for (OpRecord r; (r = c.next()) != null && r.seq() < seq; ) {
                paths.follow(r);
            }
        }
        return paths;
    }

    private boolean beyond(OpRecord r) {
        return r.seq() > filter.toSeq() || r.timeMicros() > filter.toMicros();
    }

    /** Follows the records from {@code fromSeq} up to (not including) {@code toSeq}; returns how many. */
    private long learn(RecordPaths paths, long fromSeq, long toSeq) throws IOException {
        long n = 0;
        try (LogCursor c = log.readFromSeq(fromSeq)) {
            for (OpRecord r; (r = c.next()) != null && r.seq() < toSeq; n++) {
                paths.follow(r);
            }
        }
        return n;
    }

    private boolean globbed(String path, String to) {
        return glob == null || matches(path) || (to != null && matches(to));
    }

    private boolean matches(String p) {
        try {
            return glob.matches(Path.of(p));
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
