package dev.nfsrepl.journal;

import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.replication.io.Durable;
import dev.nfsrepl.replication.log.LogConfig;
import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.log.LogKind;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.ObjectType;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.OpType;
import dev.nfsrepl.replication.record.Origin;
import dev.nfsrepl.replication.ship.CommitPoint;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal of one export: its segment log, and the <em>applied point</em> that bounds what
 * must be re-applied after an unclean stop.
 *
 * <p>Every change is appended before it is applied to the tree (write-ahead). A change is applied
 * only once its record is in the log's file (so a killed process loses nothing that reached the
 * tree), and, for everything but UNSTABLE writes, only once the record is on stable storage (so a
 * crash of the machine cannot leave a change on disk that the journal lacks).
 *
 * <p>The applied point P ({@code applied} in the journal directory) says: every record up to P was
 * applied and the tree was flushed (syncfs) after it. {@link #checkpoint()} advances it, at a
 * regular interval and on close. On open, the records after P are applied again in order through
 * {@link RecordApplier}, which is idempotent (it checks each name against the FileId the record
 * names), skipping records that an ABORT cancelled; then the tree and the journal agree again.
 *
 * <p>Files beside {@code log/}, each replaced atomically (write, fsync, rename):
 * <pre>
 *   applied  := decimal-seq LF
 *   identity := java.util.Properties: rootId=HEX generation=HEX export=PATH tree=(empty|held files)
 *               ; the export's root FileId and handle generation, so that a replay elsewhere
 *               ; gives its root the same identity, and whether the export was empty (written
 *               ; once, when the journal is created; no tree= reads as "held files")
 * </pre>
 *
 * <p>Thread-safe.
 */
public final class Journal implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    private final SegmentLog log;
    private final LocalFileSystem fs;
    private final RecordApplier applier;
    private final Path appliedFile;
    private final ConcurrentSkipListSet<Long> inFlight = new ConcurrentSkipListSet<>();
    private volatile long appliedPoint;
    private volatile boolean syncs = true;
    private Retransmissions retransmissions = Retransmissions.NONE;
    private volatile ReplicationHook replication = ReplicationHook.NONE;
    private JournalIdentity identity;
    private final Path dir;
    private final NameSnapshots names;
    private final Checkpoints checkpoints;
    private final Map<OpType, LongAdder> appended = new java.util.EnumMap<>(OpType.class);
    private final LongAdder written = new LongAdder();
    private final OperationLocks locks = new OperationLocks();
    private final ThreadLocal<long[]> unreplicated = ThreadLocal.withInitial(() -> new long[1]);
    private volatile WriteGate gate = WriteGate.OPEN;

    private Journal(SegmentLog log, LocalFileSystem fs, Path dir) {
        this.log = log;
        this.fs = fs;
        this.applier = new RecordApplier(fs);
        this.appliedFile = dir.resolve("applied");
        this.names = NameSnapshots.of(dir, fs.rootId());
        this.checkpoints = new Checkpoints(dir, Clock.systemUTC());
        for (OpType t : OpType.values()) {
            appended.put(t, new LongAdder());
        }
        this.dir = dir;
    }

    /** Opens the journal in {@code dir} for the export {@code fs} and brings the tree up to its end. */
    public static Journal open(Path dir, LocalFileSystem fs, LogConfig config, Clock clock) throws IOException {
        SegmentLog log = SegmentLog.open(dir.resolve("log"), LogKind.JOURNAL, config, clock);
        Journal j = new Journal(log, fs, dir);
        try {
            j.identity = JournalIdentity.ensure(dir, fs.rootId(), fs.generation(), fs.root());
            j.recover();
            j.retransmissions = Retransmissions.load(log);
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
        return j;
    }

    public SegmentLog log() {
        return log;
    }

    /** The names of objects as of each segment's start, for queries ({@link NameSnapshots#update} them now and then). */
    public NameSnapshots names() {
        return names;
    }

    /** The copies of the tree restores start from. */
    public Checkpoints checkpoints() {
        return checkpoints;
    }

    public JournalSource source() {
        return new JournalSource(log, names, dir, identity);
    }

    /**
     * Whether the export was empty when this journal began: then its records alone rebuild the
     * tree. Objects that were there before are journaled only when first looked up (ADOPT).
     */
    public boolean startedEmpty() {
        return identity.startedEmpty();
    }

    /** Replication of this journal: told of every record, waited for by {@link #sync}. Set before serving. */
    public void setReplication(ReplicationHook hook) {
        this.replication = hook;
    }

    /**
     * How far the fate of every record is known, for a backup's commit point: every record up to
     * {@code upTo} was applied or aborted, and the ABORT of each aborted one is at or before
     * {@code needs}. (The last seq is read before the records in flight, so that each record up to
     * it was registered in flight if it is not done; the second read comes after: an ABORT is
     * written before its record is done.)
     */
    public CommitPoint.Offer settled() {
        long last = log.lastSeq();
        Long oldest = inFlight.ceiling(Long.MIN_VALUE);
        long needs = log.lastSeq();
        return new CommitPoint.Offer(oldest == null ? last : Math.min(last, oldest - 1), needs);
    }

    /** Whether changes may be made now: in a cluster, only by the primary while it holds its lease. */
    public interface WriteGate {
        /** Null when changes may be made now, else why not (for the client's error and the log). */
        String closedBecause();

        WriteGate OPEN = () -> null;
    }

    /** Changes are refused while {@code gate} is closed (checked as each change appends its record). Before serving. */
    public void setWriteGate(WriteGate gate) {
        this.gate = gate;
    }

    /** Null when changes may be made now, else why not. */
    public String closedBecause() {
        return gate.closedBecause();
    }

    /** A change refused because the write gate is closed; nothing was appended. */
    public static final class ClosedException extends IOException {
        ClosedException(String why) {
            super("changes are refused: " + why);
        }
    }

    private static final class GateClosed extends RuntimeException {
        GateClosed(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * The last record, read after {@code gate} was closed: the gate is checked under the log's lock
     * as each record is appended, so no change can be appended after this one once it is closed.
     */
    public long lastSeqBeforeGate() {
        if (closedBecause() == null) {
            throw new IllegalStateException("the write gate is open");
        }
        return log.lastSeqAfterAppends();
    }

    /**
     * As {@link #lastSeqBeforeGate}, once every change appended up to it has finished applying: a
     * change that fails appends its ABORT (ungated) then, and that record counts too.
     */
    public long settledBeforeGate(java.time.Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        long last = lastSeqBeforeGate();
        while (!inFlight.headSet(last, true).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("changes up to #" + last + " still applying after " + within.toMillis() + " ms");
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted waiting for changes up to #" + last);
            }
            last = log.lastSeqAfterAppends();
        }
        return log.lastSeqAfterAppends();
    }

    /** The locks changes of this journal's tree hold from their checks to the end of their apply. */
    OperationLocks locks() {
        return locks;
    }

    /** Waits until every record up to {@code seq} was applied or aborted (changes in flight end in milliseconds). */
    void awaitSettled(long seq) throws IOException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        while (settled().upTo() < seq) {
            if (System.nanoTime() > deadline) {
                throw new IOException(log.dir() + ": records up to #" + seq + " are still not applied after a minute");
            }
            try {
                Thread.sleep(1); // a change in flight: it ends when its fsync and its apply do
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for #" + seq);
            }
        }
    }

    /** This journal as a walk of its live tree needs it ({@link LiveNamespace}). */
    LiveNamespace.Changes changes() {
        return new LiveNamespace.Changes() {
            @Override
            public LiveNamespace.Paused pause(long dir) {
                OperationLocks.Held h = locks.hold(new OperationLocks.Want().exclusive(dir));
                return h::close;
            }

            @Override
            public long lastSeq() {
                return log.lastSeq();
            }

            @Override
            public void awaitSettled(long seq) throws IOException {
                Journal.this.awaitSettled(seq);
            }

            @Override
            public void forEach(long after, long upTo, java.util.function.Consumer<OpRecord> each) throws IOException {
                if (upTo <= after) {
                    return;
                }
                java.util.Set<Long> aborted = Replay.aborted(log, after + 1);
                try (LogCursor c = log.readFromSeq(after + 1)) {
                    for (OpRecord r; (r = c.next()) != null && r.seq() <= upTo; ) {
                        if (!aborted.contains(r.seq())) {
                            each.accept(r);
                        }
                    }
                }
            }
        };
    }

    public long appliedPoint() {
        return appliedPoint;
    }

    /** The export's tree. */
    public LocalFileSystem tree() {
        return fs;
    }

    public RecordApplier applier() {
        return applier;
    }

    /**
     * Appends the record of a change that is about to be applied, and marks it in flight until
     * {@link #done}, and tells replication. Not yet durable: see {@link #sync}.
     */
    public OpRecord append(Identity who, SegmentLog.OpAt op) throws IOException {
        Origin origin = Origin.of(who.uid(), who.gid(), who.client(), who.xid());
        long[] seqOf = {0};
        Op[] opOf = {null};
        try {
            OpRecord r = log.append(fs.epoch(), origin, (seq, time) -> {
                String closed = gate.closedBecause(); // (under the log's lock: see lastSeqBeforeGate)
                if (closed != null) {
                    throw new GateClosed(closed);
                }
                Op o = op.at(seq, time);
                inFlight.add(seq);
                applier.begin(o, seq); // every earlier record of its directories is registered before it
                seqOf[0] = seq;
                opOf[0] = o;
                return o;
            });
            replication.appended(r);
            counted(r);
            return r;
        } catch (GateClosed e) {
            throw new ClosedException(e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (opOf[0] != null) { // registered, then not written: the seq will be given again
                inFlight.remove(seqOf[0]);
                applier.abandon(opOf[0], seqOf[0]);
            }
            throw e;
        }
    }

    private void counted(OpRecord r) {
        appended.get(r.type()).increment();
        if (r.op() instanceof Op.Write w) {
            written.add(w.data().remaining());
        }
    }

    /** Records appended since the journal was opened, by type (those with none left out). */
    public Map<String, Long> recordsByType() {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        appended.forEach((t, n) -> {
            if (n.sum() > 0) {
                m.put(t.name(), n.sum());
            }
        });
        return m;
    }

    /** Bytes of WRITE records appended since the journal was opened. */
    public long bytesWritten() {
        return written.sum();
    }

    /**
     * Appends a named restore point (a MARK record; it changes nothing) and returns once it is on
     * stable storage (and, in sync mode, on the backups, as any change).
     */
    public OpRecord mark(String name) throws IOException {
        String closed = closedBecause();
        if (closed != null) {
            throw new IOException("restore point '" + name + "' not made: " + closed);
        }
        OpRecord r = append(Identity.ROOT, (seq, t) -> new Op.Mark(name));
        try {
            sync(r.seq());
        } finally {
            done(r.seq());
        }
        return r;
    }

    /**
     * Appends a MONITOR record (the lock manager watches, or no longer watches, a client host; it
     * changes nothing in the tree) and returns once it is on stable storage (and, in sync mode, on
     * the backups), so that a new primary knows whom to tell to reclaim their locks.
     */
    public OpRecord monitor(Op.Monitor m) throws IOException {
        String closed = closedBecause();
        if (closed != null) {
            throw new IOException("lock client " + m.host() + " not journaled: " + closed);
        }
        OpRecord r = append(Identity.ROOT, (seq, t) -> m);
        try {
            sync(r.seq());
        } finally {
            done(r.seq());
        }
        return r;
    }

    /**
     * The change that the request of {@code who} (its client and xid) made before this journal
     * was opened, when it is one of the last minutes' namespace changes: a retransmission whose
     * reply was lost to a restart. Null otherwise. See {@link Retransmissions}.
     */
    public Op changeMadeBefore(Identity who) {
        return retransmissions.madeBy(who);
    }

    /** Reads {@code count} bytes of an object's content at {@code offset} (fewer at its end). */
    interface ContentReader {
        ByteBuffer read(long offset, int count) throws IOException, FsException;
    }

    /** Content an ADOPT record carries itself; the rest of a larger file follows in WRITE records of this size. */
    static final int ADOPT_CHUNK = 1 << 20;

    /**
     * Appends WRITE records (UNSTABLE, the file's own mtime) carrying bytes {@code from} to
     * {@code size} of an adopted file, which are on disk already: they are not applied, only
     * logged for replicas and replays. Returns the last seq appended (0: none). Not yet durable.
     */
    long appendContent(long id, long from, long size, long mtimeNanos, ContentReader reader)
            throws IOException, FsException {
        long last = 0;
        for (long off = from; off < size; off += ADOPT_CHUNK) {
            ByteBuffer chunk = reader.read(off, (int) Math.min(ADOPT_CHUNK, size - off));
            if (!chunk.hasRemaining()) {
                break; // the file is shorter now
            }
            long at = off;
            OpRecord r = append(Identity.ROOT, (seq, t) -> new Op.Write(id, at, chunk, Op.Stability.UNSTABLE, mtimeNanos));
            done(r.seq());
            last = r.seq();
        }
        return last;
    }

    /** The change of {@code seq} was applied (or aborted). */
    public void done(long seq) {
        inFlight.remove(seq);
        replication.done(seq);
    }

    /**
     * Whether changes wait for their record to be on stable storage (true, the default: NFS's
     * promise for metadata, FILE_SYNC writes and COMMIT), or only for it to be in the journal's
     * file (false: an export whose clients are all {@code async}; a crash of the machine can then
     * lose the last changes, a killed server cannot). Checkpoints flush the journal either way.
     */
    public void setSyncs(boolean syncs) {
        this.syncs = syncs;
    }

    /**
     * Returns once every record up to {@code seq} is on stable storage (group commit; skipped when
     * not {@link #setSyncs syncing}) and replication's promise holds for it (sync mode: enough
     * backups hold it).
     */
    public void sync(long seq) throws IOException {
        syncLocal(seq);
        replication.awaitReplicated(seq);
    }

    /** Returns once every record up to {@code seq} is on stable storage here (skipped when not {@link #setSyncs syncing}). */
    void syncLocal(long seq) throws IOException {
        if (syncs) {
            log.sync(seq);
        }
    }

    /**
     * The change of record {@code seq}, made by this thread, is to be replicated before its reply:
     * {@link #awaitReplication} waits for it, once the change released its locks.
     */
    void replicateLater(long seq) {
        long[] p = unreplicated.get();
        p[0] = Math.max(p[0], seq);
    }

    /** Returns once replication's promise holds for the changes this thread made since it last returned. */
    public void awaitReplication() throws IOException {
        long[] p = unreplicated.get();
        long seq = p[0];
        if (seq > 0) {
            p[0] = 0;
            replication.awaitReplicated(seq);
        }
    }

    /** Records that the change of {@code r} failed with {@code status}, durably. */
    public void abort(OpRecord r, int status) throws IOException {
        OpRecord a = log.append(fs.epoch(), r.origin(), new Op.Abort(r.seq(), status));
        replication.appended(a);
        counted(a);
        log.sync(a.seq());
    }

    /**
     * Flushes the tree and advances the applied point past every record that was applied by now,
     * so that recovery after a crash has less to apply again.
     */
    public synchronized void checkpoint() throws IOException {
        long upTo = log.lastSeq();
        Long oldest = inFlight.isEmpty() ? null : inFlight.first();
        if (oldest != null) {
            upTo = Math.min(upTo, oldest - 1);
        }
        if (upTo <= appliedPoint) {
            return;
        }
        log.sync(upTo);
        syncFileSystem(fs.root());
        writeAppliedPoint(upTo);
        appliedPoint = upTo;
    }

    @Override
    public void close() throws IOException {
        try {
            checkpoint();
        } finally {
            log.close();
        }
    }

    private void recover() throws IOException {
        appliedPoint = readAppliedPoint();
        long last = log.lastSeq();
        if (last < appliedPoint) {
            throw new IOException(log.dir() + ": the journal ends at #" + last + " but " + appliedFile
                    + " says #" + appliedPoint + " was applied: records were lost; refusing to serve this export");
        }
        if (last == appliedPoint) {
            return;
        }
        LOG.info("{}: applying records #{}..#{} again (after an unclean stop)", log.dir(), appliedPoint + 1, last);
        Replay.Result res = Replay.run(log, appliedPoint + 1, last, applier, (r, e) -> {
            // it fails now as it must have failed then (its ABORT was not yet written): cancel it
            LOG.warn("{}: record {} fails again during recovery ({}); aborting it", log.dir(), r, e.getMessage());
            abort(r, e.status());
        }, r -> { });
        LOG.info("{}: recovery applied {} records, {} were already done, {} superseded by later ones, {} aborted",
                log.dir(), res.applied(), res.alreadyDone(), res.superseded(), res.failed());
        completeAdoptions(appliedPoint + 1);
        syncFileSystem(fs.root());
        writeAppliedPoint(last);
        appliedPoint = last;
    }

    /**
     * Logs the rest of the content of files whose adoption the stop interrupted: the ADOPT and the
     * first WRITE records of the content were logged, the last ones not (the object got its FileId
     * from recovery, so nothing else can have touched it). Read from the file, which is the truth
     * for what was made outside the server.
     */
    private void completeAdoptions(long fromSeq) throws IOException {
        Map<Long, long[]> byId = new HashMap<>(); // FileId -> {FileId, bytes logged, size, mtime}
        Map<Long, Long> adoptedAt = new HashMap<>(); // seq of an ADOPT -> its FileId
        try (LogCursor c = log.readFromSeq(fromSeq)) { // an ADOPT precedes its WRITEs and its ABORT
            for (OpRecord r; (r = c.next()) != null; ) {
                if (r.op() instanceof Op.Adopt a && a.objectType() == ObjectType.REGULAR) {
                    byId.put(a.id(), new long[] {a.id(), a.content().remaining(), a.attrs().size(), a.attrs().mtimeNanos()});
                    adoptedAt.put(r.seq(), a.id());
                } else if (r.op() instanceof Op.Write w && r.origin().client() == null && byId.containsKey(w.id())) {
                    long[] a = byId.get(w.id());
                    a[1] = Math.max(a[1], w.offset() + w.data().remaining());
                } else if (r.op() instanceof Op.Abort ab && adoptedAt.containsKey(ab.abortedSeq())) {
                    byId.remove(adoptedAt.remove(ab.abortedSeq()));
                }
            }
        }
        if (byId.isEmpty()) {
            return;
        }
        long last = 0;
        for (long[] a : byId.values()) {
            if (a[1] < a[2]) {
                long id = a[0];
                LOG.info("{}: logging bytes {}..{} of adopted file {} (the stop interrupted its adoption)", log.dir(),
                        a[1], a[2], Long.toHexString(id));
                try {
                    last = Math.max(last, appendContent(id, a[1], a[2], a[3],
                            (off, n) -> fs.read(Identity.ROOT, id, off, n).data()));
                } catch (FsException e) {
                    LOG.warn("{}: cannot read adopted file {} to log its content: {}", log.dir(), Long.toHexString(id),
                            e.getMessage());
                }
            }
        }
        if (last > 0) {
            log.sync(last);
        }
    }

    private long readAppliedPoint() throws IOException {
        return SeqFile.read(appliedFile, log.firstSeq() - 1);
    }

    private void writeAppliedPoint(long seq) throws IOException {
        SeqFile.write(appliedFile, seq);
    }

    /** syncfs(2) of the file system holding {@code dir}, through coreutils' {@code sync -f}. */
    static void syncFileSystem(Path dir) throws IOException {
        Process p = new ProcessBuilder("sync", "-f", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("sync -f " + dir + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted flushing " + dir, e);
        }
    }
}
