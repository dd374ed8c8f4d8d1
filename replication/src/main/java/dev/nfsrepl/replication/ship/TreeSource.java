package dev.nfsrepl.replication.ship;

import dev.nfsrepl.replication.record.Op;
import java.io.IOException;

/** The primary's tree as the ops that rebuild it in an empty copy (for a full resync). */
public interface TreeSource {

    /** Receives the ops, in order. */
    interface OpSink {
        void accept(Op op) throws IOException;
    }

    /** Walks the tree, live, into {@code out}; {@code start}: the journal's last record when the walk began. */
    void walk(long start, OpSink out) throws IOException;
}
