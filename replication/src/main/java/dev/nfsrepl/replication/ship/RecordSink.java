package dev.nfsrepl.replication.ship;

import dev.nfsrepl.replication.record.OpRecord;
import java.io.IOException;

/**
 * Where a backup applies the records it received, in order: its tree. Implemented by the node over
 * its file system; applying must be idempotent (a record applied before a restart may come again).
 */
public interface RecordSink {

    /**
     * Applies {@code r}, or does nothing when its result is already there. Throws
     * {@link DivergedException} when the tree does not match what the record expects (a name that
     * maps to another object, a full disk): the backup then stops applying.
     */
    void apply(OpRecord r) throws DivergedException, IOException;
}
