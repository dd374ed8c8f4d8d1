package dev.nfsrepl.replication.ship;

import dev.nfsrepl.replication.record.Op;
import java.io.IOException;

/** The primary's tree as the ops that rebuild it in an empty copy (for a full resync). */
public interface TreeSource {

    /** Receives the ops, in order. */
    interface OpSink {
        void accept(Op op) throws IOException;
    }

    /**
     * Walks the tree, live, into {@code out}; {@code start}: the journal's last record when the walk
     * began (or the start of the interrupted resync it resumes). {@code have}: the digests, by path,
     * of the directories the backup already holds (empty: none); a subtree whose digest equals the
     * primary's is not sent.
     */
    void walk(long start, java.util.SortedMap<String, String> have, OpSink out) throws IOException;
}
