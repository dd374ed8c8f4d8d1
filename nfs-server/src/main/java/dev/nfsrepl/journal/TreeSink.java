package dev.nfsrepl.journal;

import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.ship.DivergedException;
import dev.nfsrepl.replication.ship.RecordSink;

/**
 * A backup's tree as the place replicated records are applied: through the same
 * {@link RecordApplier} the primary used, so objects get the primary's FileIds and times. A record
 * whose result is there already counts as done (records come again after a restart); one that
 * finds another object under its name, or fails (a full disk), means the backup no longer matches
 * its primary: {@link DivergedException}, and the receiver stops applying.
 *
 * <p>Thread-safe as far as the applier is; the receiver calls it from one thread.
 */
public final class TreeSink implements RecordSink {

    private final RecordApplier applier;
    private final long fuzzyUpTo;

    public TreeSink(RecordApplier applier) {
        this(applier, 0);
    }

    /**
     * {@code fuzzyUpTo}: the tree came from a walk of the live primary that ended at this record;
     * up to it, a record the walk already overtook (SUPERSEDED) counts as done, as in recovery.
     */
    public TreeSink(RecordApplier applier, long fuzzyUpTo) {
        this.applier = applier;
        this.fuzzyUpTo = fuzzyUpTo;
    }

    @Override
    public void apply(OpRecord r) throws DivergedException {
        if (!r.type().changesTree()) {
            return; // COMMIT, ABORT: nothing to do to the tree
        }
        RecordApplier.Outcome o;
        try {
            o = applier.apply(r);
        } catch (FsException e) {
            if (r.seq() <= fuzzyUpTo) {
                return; // its object changed or went before the walk reached it: later records say what became of it
            }
            throw new DivergedException("applying it failed: " + e.getMessage() + " (NFS status " + e.status() + ")");
        }
        if (o == RecordApplier.Outcome.SUPERSEDED && r.seq() > fuzzyUpTo) {
            throw new DivergedException("the tree does not hold what the record expects (another object under its name,"
                    + " or its object is gone)");
        }
    }
}
