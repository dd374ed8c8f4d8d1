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
     * Walks the tree, live, into {@code out}, and returns the journal record E after which the names
     * sent are exact (contents and attributes are at least as new: the records after E, applied over
     * them, give the primary's tree). {@code have}: the digests, by path, of the directories the
     * backup already holds (empty: none); the files below a directory whose digest equals the
     * primary's are sent without their content (the backup keeps it).
     */
    long walk(java.util.SortedMap<String, String> have, OpSink out) throws IOException;
}
