package dev.nfsrepl.journal;

import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.replication.io.Durable;
import dev.nfsrepl.replication.log.LogConfig;
import dev.nfsrepl.replication.log.LogKind;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.ship.Receiver;
import dev.nfsrepl.replication.ship.Replica;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.wire.ResyncBegin;
import dev.nfsrepl.replication.wire.ResyncHave;
import dev.nfsrepl.replication.wire.ResyncPoint;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.replication.wire.Hello;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup's copy of one replicated export: its tree (opened with the primary's root identity on
 * first contact), the receive journal ({@code dir/log}, a segment log of kind RECEIVED, with the
 * primary's sequence numbers) and the applied point that bounds what is applied again after a
 * restart (applying is idempotent, so re-applying is safe).
 *
 * <p>Files in {@code dir}, beside {@code log/}, each replaced atomically:
 * <pre>
 *   identity := as in a journal directory (root FileId, generation, export)
 *   applied  := decimal-seq LF   ; every record up to it was applied and the tree flushed after it
 *   fuzzy    := decimal-seq LF   ; records up to it that do not apply count as done (see Receiver)
 *   resync-start := decimal-seq LF ; while a full resync's copy is being built: the resync's start
 * </pre>
 *
 * <p>A full resync builds the new copy beside the old one ({@code .NAME.resync} next to the export,
 * {@code NAME.resync} next to the state directory) while the old one is still served; at its end
 * the old copy's entries are moved out and the new ones in (the export's root directory stays),
 * the state directory is replaced, the receive journal starts after the record the copy is exact
 * as of (RESYNC_END's {@code asOf}), and applying goes on from there.
 *
 * <p>A resync cut short leaves its copy; the next one resumes it: the copy's directory digests go to
 * the primary (RESYNC_HAVE), the copy is moved aside ({@code .NAME.resync-kept}, its state beside)
 * and the new copy is built from the walk's ops, taking each file's content from the kept copy
 * under its FileId (the primary leaves out the content of files in directories equal to its own,
 * and truncates the others before sending theirs). The kept copy is deleted at the end.
 *
 * <p>Thread-safe.
 */
public final class ReplicaStore implements Replica, Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaStore.class);
    /** The most directory digests a backup offers to resume a resync (a RESYNC_HAVE frame stays under 4 MiB). */
    private static final int MAX_HAVE_BYTES = 3 << 20;

    private final Path export;
    private final Path stateDir;
    private final Path dir;
    private final LogConfig logConfig;
    private final Clock clock;
    private final Serving serving;
    private LocalFileSystem fs;
    private SegmentLog log;
    private JournalIdentity identity; // of the receive journal, once open
    private Receiver receiver;
    private long appliedPoint;
    private Staging staging; // a full resync in progress

    /** Told when the copy opens (to serve it) and before it closes; and of the primary's lock clients. */
    public interface Serving {
        void opened(LocalFileSystem fs);

        void closing(LocalFileSystem fs);

        /** A MONITOR record arrived: the primary's status monitor watches, or stopped watching, a lock client. */
        default void lockClient(Op.Monitor m) throws IOException {
        }
    }

    /**
     * @param export   the backup's copy of the tree
     * @param stateDir its identity index and FileId counters
     * @param dir      the receive journal and the applied point
     * @param serving  told once the tree is open (to serve it), and before it closes
     */
    public ReplicaStore(Path export, Path stateDir, Path dir, LogConfig logConfig, Clock clock, Serving serving) {
        this.export = export;
        this.stateDir = stateDir;
        this.dir = dir;
        this.logConfig = logConfig;
        this.clock = clock;
        this.serving = serving;
    }

    /** Opens the copy now if this backup had a primary before (its identity is known); else on the first HELLO. */
    public synchronized ReplicaStore start() throws IOException {
        if (Files.exists(dir.resolve(JournalIdentity.FILE))) {
            JournalIdentity id = JournalIdentity.read(dir);
            open(new Hello(id.rootId(), id.generation()));
        } else {
            LOG.info("backup of {}: empty, waiting for its primary", export);
        }
        return this;
    }

    @Override
    public synchronized Receiver attach(Hello hello) throws IOException {
        if (staging != null) { // a resync the lost connection left unfinished: the old copy stays
            LOG.warn("backup of {}: the full resync from #{} stopped unfinished; its copy is kept, to be resumed",
                    export, staging.start);
            staging.suspend();
            staging = null;
            reopen();
        }
        if (receiver == null) {
            open(hello);
        } else if (fs.rootId() != hello.rootId() || fs.generation() != hello.generation()) {
            throw new IOException("the primary replicates " + hello + ", but " + export + " is a copy of export root "
                    + Long.toHexString(fs.rootId()) + " generation " + Integer.toHexString(fs.generation()));
        }
        return receiver;
    }

    private void open(Hello hello) throws IOException {
        Files.createDirectories(dir);
        completeSwap();
        LocalFileSystem tree = new LocalFileSystem(export, stateDir, clock).withIdentity(hello.rootId(),
                hello.generation()).start();
        try {
            if (tree.rootId() != hello.rootId() || tree.generation() != hello.generation()) {
                throw new IOException(export + " already holds export root " + Long.toHexString(tree.rootId())
                        + " generation " + Integer.toHexString(tree.generation()) + "; the primary replicates " + hello
                        + " (give the backup an empty directory)");
            }
            identity = JournalIdentity.ensure(dir, tree.rootId(), tree.generation(), tree.root());
            tree.setSyncMetadata(false); // the receive journal holds every change; checkpoints flush the tree
            log = SegmentLog.open(dir.resolve("log"), LogKind.RECEIVED, logConfig, clock);
            appliedPoint = SeqFile.read(dir.resolve("applied"), 0);
            // records received before this start may have been applied after the last checkpoint, some
            // then overtaken by later ones: applied again, those count as done (as in journal recovery)
            long fuzzy = Math.max(SeqFile.read(dir.resolve("fuzzy"), 0), log.lastSeq());
            receiver = new Receiver(log, new TreeSink(new RecordApplier(tree), fuzzy, serving::lockClient), appliedPoint);
        } catch (IOException | RuntimeException e) {
            if (log != null) {
                log.close();
                log = null;
            }
            tree.close();
            throw e;
        }
        fs = tree;
        if (Files.exists(resyncWantedFile())) {
            receiver.wantResync();
        }
        LOG.info("backup of {}: {}, holding #{}, applied #{}", export, hello, log.lastSeq(), appliedPoint);
        serving.opened(tree);
    }

    /** Closes the copy (receiver, log, tree) and opens it again from its files. */
    private void reopen() throws IOException {
        Hello id = new Hello(fs.rootId(), fs.generation());
        shut();
        open(id);
    }

    private void shut() throws IOException {
        receiver.close();
        checkpoint();
        closeCopy();
    }

    /** Stops serving the copy and closes its log and tree (applying has stopped). */
    private void closeCopy() throws IOException {
        serving.closing(fs);
        log.close();
        fs.close();
        receiver = null;
        log = null;
        fs = null;
    }

    @Override
    public synchronized Resync beginResync(ResyncBegin begin) throws IOException {
        if (receiver == null) {
            throw new IOException("a full resync before the HELLO");
        }
        if (staging != null) {
            staging.suspend();
            staging = null;
        }
        receiver.close(); // applying stops; the old copy is still served
        try {
            long was = SeqFile.read(resyncStartFile(), -1);
            if (was >= 0 && !(Files.isDirectory(stagingTree()) && Files.isDirectory(stagingState()))) {
                was = -1; // the copy is gone (the resync had finished when the node stopped)
            }
            ResyncHave have = was >= 0 ? kept(was) : null;
            staging = new Staging(begin.start(), have);
            return staging;
        } catch (IOException | RuntimeException e) {
            try {
                reopen(); // applying goes on; the primary tries again
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    private Path stagingTree() {
        return export.resolveSibling("." + export.getFileName() + ".resync");
    }

    private Path stagingState() {
        return stateDir.resolveSibling(stateDir.getFileName() + ".resync");
    }

    /** The start of the resync whose copy is being built beside the tree (kept while it is unfinished). */
    private Path resyncStartFile() {
        return dir.resolve("resync-start");
    }

    private Path keptTree() {
        return export.resolveSibling("." + export.getFileName() + ".resync-kept");
    }

    private Path keptState() {
        return stateDir.resolveSibling(stateDir.getFileName() + ".resync-kept");
    }

    /**
     * The directory digests of the copy an unfinished resync from {@code was} left, after moving it
     * aside to be read from by the next copy; null when there is none to resume (unreadable, or too
     * many directories to offer).
     */
    private ResyncHave kept(long was) throws IOException {
        TreeSwap.delete(keptTree());
        TreeSwap.delete(keptState());
        ResyncHave have;
        try (LocalFileSystem old = new LocalFileSystem(stagingTree(), stagingState(), clock)
                .withIdentity(fs.rootId(), fs.generation()).start()) {
            long discarded = discardUnidentified(old, old.rootId(), stagingTree());
            if (discarded > 0) {
                LOG.info("backup of {}: removed {} objects of the unfinished resync that a stop cut short before "
                        + "they got their FileIds", export, discarded);
            }
            java.util.SortedMap<String, String> described = TreeDigest.describe(old);
            have = new ResyncHave(was, TreeDigest.byDirectory(described));
            if (have.encodedSize() > MAX_HAVE_BYTES) {
                LOG.warn("backup of {}: the copy of the unfinished resync has too many directories ({}) to offer; "
                        + "starting over", export, have.digests().size());
                return null;
            }
            LOG.warn("backup of {}: RESUMING the unfinished full resync from #{}: its copy holds {} objects in {} "
                    + "directories; their content is kept for the new copy", export, was, described.size(),
                    have.digests().size());
        } catch (IOException | FsException | RuntimeException e) {
            LOG.warn("backup of {}: the copy of the unfinished resync cannot be read ({}); starting over", export,
                    e.toString());
            return null;
        }
        Files.move(stagingTree(), keptTree());
        Files.move(stagingState(), keptState());
        return have;
    }

    /**
     * Removes the objects below {@code dir} that carry no FileId (made by an op the stop cut short):
     * describing the copy would adopt them under new FileIds. Before anything lists the copy.
     */
    private static long discardUnidentified(LocalFileSystem copy, long dirId, Path dirPath)
            throws IOException, FsException {
        java.util.List<Path> entries = new java.util.ArrayList<>();
        try (var s = Files.newDirectoryStream(dirPath)) {
            s.forEach(entries::add);
        }
        long removed = 0;
        for (Path p : entries) {
            long id = copy.storedIdAt(dirId, p.getFileName().toString());
            if (id == LocalFileSystem.UNIDENTIFIED) {
                TreeSwap.delete(p);
                removed++;
            } else if (id != 0 && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                removed += discardUnidentified(copy, id, p);
            }
        }
        return removed;
    }

    /** The new copy a full resync builds. */
    private final class Staging implements Resync {
        private final long start;
        private final Path tree = stagingTree();
        private final Path state = stagingState();
        private final LocalFileSystem copy;
        private final RecordApplier applier;
        private final ResyncHave have;
        private final LocalFileSystem kept; // the copy of the resync this one resumes, or null
        private long ops;
        private long reused;
        private final java.util.List<Long> directories = new java.util.ArrayList<>();

        /** A new copy, for a resync from {@code start}; {@code have}: the kept copy's digests (null: none). */
        Staging(long start, ResyncHave have) throws IOException {
            this.start = start;
            this.have = have;
            TreeSwap.delete(tree);
            TreeSwap.delete(state);
            if (have == null) {
                TreeSwap.delete(keptTree());
                TreeSwap.delete(keptState());
            }
            Files.createDirectories(tree);
            SeqFile.write(resyncStartFile(), start);
            copy = new LocalFileSystem(tree, state, clock).withIdentity(fs.rootId(), fs.generation()).start();
            copy.setSyncMetadata(false);
            applier = new RecordApplier(copy);
            kept = have == null ? null : new LocalFileSystem(keptTree(), keptState(), clock)
                    .withIdentity(fs.rootId(), fs.generation()).start();
            if (have == null) {
                LOG.warn("backup of {}: FULL RESYNC from the primary's record #{}, building the copy in {}", export,
                        start, tree);
            }
        }

        @Override
        public ResyncHave have() {
            return have;
        }

        @Override
        public void apply(OpRecord r) throws IOException {
            synchronized (ReplicaStore.this) {
                if (staging != this) {
                    throw new IOException("the resync was abandoned");
                }
                ops++;
                if (r.op() instanceof Op.Mkdir m) {
                    directories.add(m.id());
                }
                try {
                    if (applier.apply(r) == RecordApplier.Outcome.SUPERSEDED) {
                        throw new IOException("full resync op " + r + " finds another object in the new copy "
                                + tree + "; the resync stops");
                    }
                    if (kept != null && r.op() instanceof Op.Create c) {
                        reuse(c.id());
                    }
                } catch (FsException e) {
                    throw new IOException("full resync op " + r + " fails in the new copy " + tree + ": "
                            + e.getMessage() + "; the resync stops", e);
                }
            }
        }

        /** Writes into the new file {@code id} the content the kept copy holds under its FileId. */
        private void reuse(long id) throws IOException, FsException {
            dev.nfsrepl.fs.Attr a;
            try {
                a = kept.getattr(id);
            } catch (dev.nfsrepl.fs.error.NoEntException | dev.nfsrepl.fs.error.StaleException e) {
                return; // not in the kept copy
            }
            if (a.type() == dev.nfsrepl.fs.FileType.REGULAR) {
                TreeWalk.dataRuns(kept, id, a.size(), (offset, run) -> copy.write(id, offset, run, a.mtimeNanos()));
                reused++;
            }
        }

        @Override
        public Receiver finish(ResyncPoint p) throws IOException {
            synchronized (ReplicaStore.this) {
                if (staging != this || p.start() != start) {
                    throw new IOException("RESYNC_END for a resync from #" + p.start() + " that is not the one in progress");
                }
                // the walk's ops are numbered on their own: each directory's applied stamp says instead
                // that it holds the records up to the copy's point, so those after it are checked by name
                directories.add(copy.rootId());
                byte[] stamp = new AppliedSet(p.asOf(), new long[0]).encode();
                for (long d : directories) {
                    try {
                        copy.finishDirectory(d, stamp, null);
                    } catch (FsException e) {
                        throw new IOException("cannot stamp directory " + Long.toHexString(d) + " of the new copy "
                                + tree + ": " + e.getMessage(), e);
                    }
                }
                Journal.syncFileSystem(tree);
                copy.close();
                dropKept();
                Hello id = new Hello(fs.rootId(), fs.generation());
                receiver.close();
                swap().begin(p.asOf()); // from here a failure or a crash leaves a swap the next open completes
                staging = null;
                closeCopy();
                completeSwap();
                LOG.warn("backup of {}: full resync applied ({} ops{}); going on after record #{}", export, ops,
                        have == null ? "" : ", the content of " + reused + " files taken from the kept copy",
                        p.asOf());
                open(id);
                return receiver;
            }
        }

        private void dropKept() throws IOException {
            if (kept != null) {
                kept.close();
                TreeSwap.delete(keptTree());
                TreeSwap.delete(keptState());
            }
        }

        /** Closes the copy and keeps it (with its start), to be resumed by the next resync. */
        void suspend() throws IOException {
            copy.close();
            dropKept(); // what it held that the new copy has not taken yet is sent again
        }
    }

    private TreeSwap swap() {
        return new TreeSwap(export, stateDir, stagingTree(), stagingState(), dir.resolve("swap"), TreeSwap.RENAME);
    }

    /** Completes a swap of a full resync's copy into the export that a failure or a crash cut short. */
    private void completeSwap() throws IOException {
        long asOf = swap().complete(a -> {
            TreeSwap.delete(dir.resolve("log"));
            SeqFile.write(dir.resolve("fuzzy"), a);
            SeqFile.write(dir.resolve("applied"), a);
            Files.deleteIfExists(resyncStartFile());
            Files.deleteIfExists(resyncWantedFile());
        });
        if (asOf >= 0) {
            LOG.info("backup of {}: the full resync's copy is in place, as of record #{}", export, asOf);
        }
    }

    /** Present while this copy wants a full resync (it holds records its primary does not). */
    private Path resyncWantedFile() {
        return dir.resolve("resync-wanted");
    }


    /** The tree, or null before the first contact with the primary. */
    public synchronized LocalFileSystem fileSystem() {
        return fs;
    }

    /** Size of the receive journal's segments (0 before the first contact with the primary). */
    public synchronized long journalBytes() {
        return log == null ? 0 : log.bytes();
    }

    /** The receive journal, for queries; null before the first contact with the primary. */
    public synchronized JournalSource journal() {
        return log == null ? null : new JournalSource(log, NameSnapshots.of(dir, fs.rootId()), dir, identity);
    }

    /** Saves the names known at each new segment's start of the receive journal (see {@link NameSnapshots}). */
    public void indexNames() throws IOException {
        JournalSource j = journal();
        if (j != null) {
            j.names().update(j.log());
        }
    }

    /** Whether a full resync is building a new copy now. */
    public synchronized boolean resyncing() {
        return staging != null;
    }

    /** The receiver, or null before the first contact with the primary. */
    public synchronized Receiver receiver() {
        return receiver;
    }

    /**
     * Before this node takes over as primary (its receiving has stopped): applies every record it
     * holds — also those past the last commit point, which the new primary commits by going on after
     * them — flushes the tree and closes; returns the last record, after which its journal goes on.
     * Throws when applying stopped (DIVERGED) or did not end within a minute: such a copy must not
     * serve as the primary's.
     */
    public long applyAllAndClose() throws IOException {
        Receiver rx;
        synchronized (this) {
            if (staging != null) {
                throw new IOException("backup of " + export + " is in the middle of a full resync: its copy is incomplete");
            }
            rx = receiver;
        }
        if (rx == null) {
            close();
            return 0; // never had a primary: the export is taken as it is (a new cluster's first primary)
        }
        long held = rx.position().durable();
        rx.commit(held);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        while (rx.applied() < held) {
            if (rx.diverged() != null) {
                throw new IOException("backup of " + export + " stopped applying: " + rx.diverged());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("backup of " + export + " applied #" + rx.applied() + " of #" + held
                        + " in a minute");
            }
            try {
                Thread.sleep(2); // (applying runs on the receiver's thread, in milliseconds per batch)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while applying the last records");
            }
        }
        close();
        return held;
    }

    /**
     * This copy holds records from {@code fork} on that the primary does not (it was an older epoch's
     * primary, and they never reached the new one): they are kept in {@code divergence/NAME}, a
     * segment log of those records (for the console to list and re-apply on the primary), the
     * receive journal starts over empty, and the copy asks its primary for a full resync, which
     * replaces the tree their changes were applied to. Returns the number of records kept.
     */
    public synchronized long divergeFrom(long fork, String name) throws IOException {
        if (receiver == null) {
            return 0;
        }
        long last = receiver.position().durable(); // (a full resync's copy holds records its log does not)
        if (last < fork) {
            return 0;
        }
        long firstHeld = log.lastSeq() >= fork ? log.firstSeq() : last + 1;
        if (firstHeld > fork) {
            LOG.warn("backup of {}: records #{}..#{} of the diverged epoch came in a full resync's copy and are not "
                    + "kept one by one; the divergence holds those received after it", export, fork,
                    firstHeld - 1);
        }
        Path kept = dir.resolve("divergence").resolve(name);
        long n = 0;
        try (SegmentLog out = SegmentLog.open(kept, LogKind.RECEIVED, logConfig, clock);
             dev.nfsrepl.replication.log.LogCursor c = log.readFromSeq(fork)) {
            for (OpRecord r; (r = c.next()) != null; ) {
                out.appendRecord(r);
                n++;
            }
            out.sync(out.lastSeq());
        }
        SeqFile.write(kept.resolve("fork"), fork); // (the records may start later: a resync's copy held the first)
        LOG.warn("backup of {}: records #{}..#{} ({} records) were never received by the new primary (its history "
                + "parts from this node's at #{}); kept in {}; the copy is replaced by a full resync", export, fork, last,
                n, fork, kept);
        Hello id = new Hello(fs.rootId(), fs.generation());
        receiver.close();
        closeCopy();
        Durable.replace(resyncWantedFile(), ("records from #" + fork + " diverged; kept in " + kept + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)); // (before the log goes: a crash must not forget)
        TreeSwap.delete(dir.resolve("log"));
        SeqFile.write(dir.resolve("applied"), 0);
        Files.deleteIfExists(dir.resolve("fuzzy"));
        open(id); // (asks for the resync: the file is there)
        return n;
    }

    /** Flushes the tree and advances the applied point to what was applied by now. */
    public synchronized void checkpoint() throws IOException {
        if (receiver == null) {
            return;
        }
        long applied = receiver.applied();
        if (applied <= appliedPoint) {
            return;
        }
        Journal.syncFileSystem(fs.root());
        SeqFile.write(dir.resolve("applied"), applied);
        appliedPoint = applied;
    }

    @Override
    public synchronized void close() throws IOException {
        if (staging != null) {
            staging.suspend(); // kept: a resync after the restart resumes it
            staging = null;
        }
        if (receiver == null) {
            return;
        }
        shut();
    }
}
