package dev.nfsrepl.journal;

import dev.nfsrepl.replication.record.Op;

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
    private final LockClients lockClients;

    /** A sink for a tree no record has reached yet. */
    public TreeSink(RecordApplier applier) {
        this(applier, 0);
    }

    /**
     * {@code fuzzyUpTo}: records up to it may have reached the tree already (applied before an
     * unclean stop, or overtaken by the walk of a full resync that ended there); applied again, one
     * that finds its result overtaken (SUPERSEDED) counts as done, as in recovery. Records after it
     * never reached this tree (the receive journal holds every record before it is applied).
     */
    public TreeSink(RecordApplier applier, long fuzzyUpTo) {
        this(applier, fuzzyUpTo, m -> {
        });
    }

    /** What a backup does with the primary's MONITOR records (its list of lock clients). */
    public interface LockClients {
        void apply(Op.Monitor m) throws java.io.IOException;
    }

    /** @param lockClients where MONITOR records go */
    public TreeSink(RecordApplier applier, long fuzzyUpTo, LockClients lockClients) {
        this.applier = applier;
        this.fuzzyUpTo = fuzzyUpTo;
        this.lockClients = lockClients;
    }

    @Override
    public void apply(OpRecord r) throws DivergedException, java.io.IOException {
        if (r.op() instanceof Op.Monitor m) {
            lockClients.apply(m);
            return;
        }
        if (!r.type().changesTree()) {
            return; // COMMIT, ABORT, MARK: nothing to do to the tree
        }
        RecordApplier.Outcome o;
        try {
            o = applier.apply(r, r.seq() > fuzzyUpTo);
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
