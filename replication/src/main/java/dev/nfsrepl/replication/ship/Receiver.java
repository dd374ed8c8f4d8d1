package dev.nfsrepl.replication.ship;

import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.wire.Ack;
import dev.nfsrepl.replication.wire.Batch;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup's end of replication below the network: stores each batch durably in the receive
 * journal, answers with what it holds, and applies stored records in order, on its own thread,
 * up to the point the primary says is committed. A record that does not fit the tree stops
 * applying (the backup is DIVERGED: reported, logged) while receiving goes on; no record is ever
 * skipped, except those an ABORT record (received by then) cancelled. The primary sends a commit
 * point only once it has sent every ABORT of the records up to it (see {@link CommitPoint}), and
 * a commit point never passes what this backup held when it arrived, so an ABORT is always here
 * before its record would be applied.
 *
 * <p>Thread-safe: {@link #receive} is called by the connection's worker, applying runs on the
 * receiver's own thread.
 */
public final class Receiver implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);

    private final SegmentLog received;
    private final RecordSink sink;
    private final ExecutorService applier;
    private volatile long applied;
    private volatile boolean wantsResync;
    private volatile long commit;
    private final long base; // held without being in the receive journal (the start of a full resync)
    private volatile String diverged;
    private boolean applying; // guarded by this
    private final Set<Long> aborted = ConcurrentHashMap.newKeySet(); // records an ABORT cancelled: never applied
    private volatile Runnable onProgress = () -> { };

    /**
     * {@code applied}: the newest record known applied to the tree (from the node's checkpoint);
     * every record up to it counts as held even when the receive journal starts after it (a full
     * resync gave the tree).
     */
    public Receiver(SegmentLog received, RecordSink sink, long applied) {
        this.received = received;
        this.sink = sink;
        this.applied = applied;
        this.commit = applied;
        this.base = applied;
        this.applier = Executors.newSingleThreadExecutor(r -> new Thread(r, "replica-applier"));
        try (LogCursor c = received.readFromSeq(applied + 1)) {
            for (OpRecord r; (r = c.next()) != null; ) {
                noteAbort(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(received.dir() + ": cannot read the received records", e);
        }
    }

    private void noteAbort(OpRecord r) {
        if (r.op() instanceof Op.Abort a) {
            aborted.add(a.abortedSeq());
        }
    }

    /** What this backup holds durably and has applied (sent after the handshake and after each batch). */
    /** Asks the primary for a full resync at the next handshake (this copy holds records the primary does not). */
    public void wantResync() {
        wantsResync = true;
    }

    public Ack position() {
        long held = held();
        return new Ack(held, Math.min(applied, held), diverged != null, wantsResync);
    }

    private long held() {
        return Math.max(received.lastSeq(), base);
    }

    /** Null while applying goes on; else why it stopped. */
    public String diverged() {
        return diverged;
    }

    /**
     * Stores the batch's records this backup does not hold yet, makes them durable, lets the applier
     * go up to the batch's commit point, and returns the position to acknowledge. A batch that does
     * not follow what is held (a gap) throws: the connection is dropped and the primary starts over
     * from the position.
     */
    public Ack receive(Batch b) throws IOException {
        long held = held();
        if (b.firstSeq() > held + 1) {
            throw new IOException("batch #" + b.firstSeq() + "..#" + b.lastSeq() + " does not follow #" + held
                    + ", the last record this backup holds");
        }
        for (OpRecord r : b.records()) {
            if (r.seq() > held) {
                received.appendRecord(r);
                noteAbort(r);
            }
        }
        if (received.lastSeq() > held) {
            received.sync(received.lastSeq());
        }
        commit = Math.max(commit, Math.min(b.commitSeq(), held()));
        kick();
        return position();
    }

    /** The primary's commit point moved to {@code seq} (a COMMIT frame): applies up to it, within what is held. */
    public void commit(long seq) {
        commit = Math.max(commit, Math.min(seq, held()));
        kick();
    }

    /** Told (on the applying thread) whenever a run of applying ends: the applied point moved, or applying stopped. */
    public void onProgress(Runnable r) {
        onProgress = r;
    }

    /** The commit point: records up to it may be applied. */
    public long commitPoint() {
        return commit;
    }

    private synchronized void kick() {
        if (!applying && diverged == null && applied < commit) {
            applying = true;
            applier.execute(this::applyCommitted);
        }
    }

    private void applyCommitted() {
        try (LogCursor c = received.readFromSeq(applied + 1)) {
            for (OpRecord r; applied < commit && (r = c.next()) != null; ) {
                if (r.seq() <= applied) {
                    continue;
                }
                try {
                    if (!aborted.remove(r.seq())) {
                        sink.apply(r);
                    }
                } catch (DivergedException e) {
                    diverged = "record " + r + ": " + e.getMessage();
                    LOG.error("{}: DIVERGED, applying stopped (receiving goes on): {}", received.dir(), diverged);
                    return;
                }
                applied = r.seq();
            }
        } catch (IOException | RuntimeException e) {
            diverged = "applying stopped: " + e;
            LOG.error("{}: {}", received.dir(), diverged, e);
        } finally {
            synchronized (this) {
                applying = false;
            }
            onProgress.run();
            if (diverged == null) {
                kick(); // more may have been committed meanwhile
            }
        }
    }

    /** The newest record applied to the tree. */
    public long applied() {
        return applied;
    }

    @Override
    public void close() throws IOException {
        applier.shutdown();
        try {
            applier.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
