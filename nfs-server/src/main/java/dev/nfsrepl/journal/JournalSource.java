package dev.nfsrepl.journal;

import dev.nfsrepl.replication.log.SegmentLog;
import java.nio.file.Path;

/**
 * A journal as queries and restores read it: its log (a primary's journal or a backup's receive
 * journal), its names snapshots, its directory (scratch space for restores goes below it, outside
 * every export) and the identity of the export it journals.
 */
public record JournalSource(SegmentLog log, NameSnapshots names, Path dir, JournalIdentity identity) {

    /** The named restore points (MARK records), oldest first: each one's name, seq and time. Reads the whole journal. */
    public java.util.List<java.util.Map<String, Object>> restorePoints() throws java.io.IOException {
        java.util.List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
        query(OpsFilter.ALL.withOps(java.util.EnumSet.of(dev.nfsrepl.replication.record.OpType.MARK)))
                .forEach((r, path, to) -> {
                    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("name", ((dev.nfsrepl.replication.record.Op.Mark) r.op()).name());
                    m.put("seq", r.seq());
                    m.put("time", RecordView.time(r.timeMicros()));
                    out.add(m);
                    return true;
                });
        return out;
    }

    /** The seq of the newest restore point named {@code name}, or null. */
    public Long restorePoint(String name) throws java.io.IOException {
        Long seq = null;
        for (java.util.Map<String, Object> p : restorePoints()) {
            if (p.get("name").equals(name)) {
                seq = (Long) p.get("seq");
            }
        }
        return seq;
    }

    /** A query of this journal. */
    public OpsQuery query(OpsFilter filter) {
        return new OpsQuery(log, names, filter);
    }
}
