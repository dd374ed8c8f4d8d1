package dev.nfsrepl.journal;

import dev.nfsrepl.replication.log.SegmentLog;
import java.nio.file.Path;

/**
 * A journal as queries and restores read it: its log (a primary's journal or a backup's receive
 * journal), its names snapshots, its directory (scratch space for restores goes below it, outside
 * every export) and the identity of the export it journals.
 */
public record JournalSource(SegmentLog log, NameSnapshots names, Path dir, JournalIdentity identity) {

    /** A query of this journal. */
    public OpsQuery query(OpsFilter filter) {
        return new OpsQuery(log, names, filter);
    }
}
