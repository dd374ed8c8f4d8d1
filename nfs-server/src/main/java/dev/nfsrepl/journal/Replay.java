package dev.nfsrepl.journal;

import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Applies a range of a journal to a tree, in order, skipping records that an ABORT cancelled and
 * records that change nothing (COMMIT). Used by recovery, by {@code journal replay} and by tests.
 */
public final class Replay {

    /** What applying a range did. */
    public record Result(long applied, long alreadyDone, long superseded, long failed) {
        public long total() {
            return applied + alreadyDone + superseded + failed;
        }
    }

    /** Called for a record whose change fails now; the replay goes on with the next one. */
    interface OnFailure {
        void failed(OpRecord r, FsException e) throws IOException;
    }

    /** Called after each record (for progress). */
    interface OnRecord {
        void applied(OpRecord r);
    }

    private Replay() {
    }

    static Result run(SegmentLog log, long fromSeq, long toSeq, RecordApplier applier, OnFailure onFailure,
                      OnRecord progress) throws IOException {
        return run(log, fromSeq, toSeq, aborted(log, fromSeq), r -> r, false, applier, onFailure, progress);
    }

    /** The seqs of records that ABORT records from {@code fromSeq} to the end of the log cancelled. */
    static Set<Long> aborted(SegmentLog log, long fromSeq) throws IOException {
        Set<Long> aborted = new HashSet<>();
        try (LogCursor c = log.readFromSeq(fromSeq)) {
            for (OpRecord r; (r = c.next()) != null; ) {
                if (r.op() instanceof Op.Abort a) {
                    aborted.add(a.abortedSeq());
                }
            }
        }
        return aborted;
    }

    /**
     * Applies the records from {@code fromSeq} to {@code toSeq} but the {@code aborted} ones, each as
     * {@code select} makes it (null: left out). {@code neverApplied}: the tree never saw these records
     * (see {@link RecordApplier#apply(OpRecord, boolean)}).
     */
    static Result run(SegmentLog log, long fromSeq, long toSeq, Set<Long> aborted, UnaryOperator<OpRecord> select,
                      boolean neverApplied, RecordApplier applier, OnFailure onFailure, OnRecord progress)
            throws IOException {
        long applied = 0;
        long done = 0;
        long superseded = 0;
        long failed = 0;
        try (LogCursor c = log.readFromSeq(fromSeq)) {
            for (OpRecord r; (r = c.next()) != null && r.seq() <= toSeq; ) {
                OpRecord chosen = r.type().changesTree() && !aborted.contains(r.seq()) ? select.apply(r) : null;
                if (chosen != null) {
                    try {
                        switch (applier.apply(chosen, neverApplied)) {
                            case APPLIED -> applied++;
                            case ALREADY_DONE -> done++;
                            case SUPERSEDED -> superseded++;
                        }
                    } catch (FsException e) {
                        failed++;
                        onFailure.failed(r, e);
                    }
                }
                progress.applied(r);
            }
        }
        return new Result(applied, done, superseded, failed);
    }
}
