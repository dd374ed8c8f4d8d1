package dev.nfsrepl.journal;

import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.replication.io.Durable;
import dev.nfsrepl.replication.log.LogConfig;
import dev.nfsrepl.replication.log.LogKind;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.ship.Receiver;
import dev.nfsrepl.replication.ship.Replica;
import dev.nfsrepl.replication.wire.Hello;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;
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
 * </pre>
 *
 * <p>Thread-safe.
 */
public final class ReplicaStore implements Replica, Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaStore.class);

    private final Path export;
    private final Path stateDir;
    private final Path dir;
    private final LogConfig logConfig;
    private final Clock clock;
    private final Consumer<LocalFileSystem> onOpen;
    private LocalFileSystem fs;
    private SegmentLog log;
    private Receiver receiver;
    private long appliedPoint;

    /**
     * @param export   the backup's copy of the tree
     * @param stateDir its identity index and FileId counters
     * @param dir      the receive journal and the applied point
     * @param onOpen   told once the tree is open (to serve it)
     */
    public ReplicaStore(Path export, Path stateDir, Path dir, LogConfig logConfig, Clock clock,
                        Consumer<LocalFileSystem> onOpen) {
        this.export = export;
        this.stateDir = stateDir;
        this.dir = dir;
        this.logConfig = logConfig;
        this.clock = clock;
        this.onOpen = onOpen;
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
        LocalFileSystem tree = new LocalFileSystem(export, stateDir, clock).withIdentity(hello.rootId(),
                hello.generation()).start();
        try {
            if (tree.rootId() != hello.rootId() || tree.generation() != hello.generation()) {
                throw new IOException(export + " already holds export root " + Long.toHexString(tree.rootId())
                        + " generation " + Integer.toHexString(tree.generation()) + "; the primary replicates " + hello
                        + " (give the backup an empty directory)");
            }
            JournalIdentity.ensure(dir, tree.rootId(), tree.generation(), tree.root());
            tree.setSyncMetadata(false); // the receive journal holds every change; checkpoints flush the tree
            log = SegmentLog.open(dir.resolve("log"), LogKind.RECEIVED, logConfig, clock);
            appliedPoint = readApplied();
            receiver = new Receiver(log, new TreeSink(new RecordApplier(tree)), appliedPoint);
        } catch (IOException | RuntimeException e) {
            if (log != null) {
                log.close();
                log = null;
            }
            tree.close();
            throw e;
        }
        fs = tree;
        LOG.info("backup of {}: {}, holding #{}, applied #{}", export, hello, log.lastSeq(), appliedPoint);
        onOpen.accept(tree);
    }

    /** The tree, or null before the first contact with the primary. */
    public synchronized LocalFileSystem fileSystem() {
        return fs;
    }

    /** The receiver, or null before the first contact with the primary. */
    public synchronized Receiver receiver() {
        return receiver;
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
        Durable.replace(dir.resolve("applied"), (applied + "\n").getBytes(StandardCharsets.US_ASCII));
        appliedPoint = applied;
    }

    private long readApplied() throws IOException {
        Path f = dir.resolve("applied");
        if (!Files.exists(f)) {
            return 0;
        }
        String text = Files.readString(f, StandardCharsets.US_ASCII).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(f + ": not a sequence number: '" + text + "'", e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (receiver == null) {
            return;
        }
        receiver.close();
        checkpoint();
        log.close();
        fs.close();
        receiver = null;
    }
}
