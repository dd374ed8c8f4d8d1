package dev.nfsrepl.journal;

import dev.nfsrepl.replication.log.SegmentLog;

/** A journal as queries read it: its log (a primary's journal or a backup's receive journal) and its names snapshots. */
public record JournalSource(SegmentLog log, NameSnapshots names) {

    /** A query of this journal. */
    public OpsQuery query(OpsFilter filter) {
        return new OpsQuery(log, names, filter);
    }
}
