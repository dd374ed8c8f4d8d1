package dev.nfsrepl.node;

import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.fs.PermissionCheckingFileSystem;
import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.journal.Journal;
import dev.nfsrepl.journal.RecordingFileSystem;
import dev.nfsrepl.journal.ReplicationHook;
import dev.nfsrepl.nfs.ExportTable;
import dev.nfsrepl.nfs.ExportedFs;
import dev.nfsrepl.nfs.MountService;
import dev.nfsrepl.nfs.Nfs3Service;
import dev.nfsrepl.nfs.export.Export;
import dev.nfsrepl.nfs.export.Exports;
import dev.nfsrepl.nfs.rpc.BoundedRecordMarking;
import dev.nfsrepl.nfs.rpc.DuplicateRequestCache;
import dev.nfsrepl.nfs.rpc.OnWorkers;
import dev.nfsrepl.nfs.xdr.nfs3_prot;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import org.dcache.oncrpc4j.portmap.OncRpcEmbeddedPortmap;
import org.dcache.oncrpc4j.rpc.OncRpcProgram;
import org.dcache.oncrpc4j.rpc.OncRpcSvc;
import org.dcache.oncrpc4j.rpc.OncRpcSvcBuilder;
import dev.nfsrepl.lock.LockTable;
import dev.nfsrepl.lock.StatusMonitor;
import dev.nfsrepl.nfs.NlmService;
import dev.nfsrepl.nfs.NsmService;
import dev.nfsrepl.nfs.rpc.RpcCaller;
import dev.nfsrepl.nfs.xdr.nlm4_prot;
import org.dcache.oncrpc4j.rpc.net.IpProtocolType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One nfsrepl node serving NFSv3 and MOUNT v3 over TCP for the exports of its configuration.
 * The constructor only records the configuration; {@link #start()} opens exports and binds
 * ports, {@link #close()} stops serving and closes the exports' identity indexes cleanly.
 */
public final class NfsServer implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(NfsServer.class);
    /** Largest RPC record accepted: a 1 MiB WRITE plus its headers, with room to spare. */
    static final int MAX_RECORD = 1024 * 1024 + 64 * 1024;

    private final ServerConfig config;
    private final Clock clock;
    private final ExportTable table = new ExportTable();
    private final Map<Path, LocalFileSystem> open = new HashMap<>();
    private final Map<Path, Journal> journals = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Path, RecordingFileSystem> recorders = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<LocalFileSystem> borrowed = new java.util.HashSet<>(); // opened and closed by others
    private java.util.function.Function<Journal, ReplicationHook> replication = j -> ReplicationHook.NONE;
    private Journal.WriteGate readGate; // null: reads always served
    private ScheduledExecutorService checkpoints;
    private ScheduledExecutorService nameIndexer;
    private OncRpcEmbeddedPortmap portmap;
    private OncRpcSvc nfsSvc;
    private OncRpcSvc mountSvc;
    private byte[] writeVerifier;
    /** Runs the procedures that may wait on the disk; cheap ones run on the network threads. */
    private ExecutorService workers;
    private java.util.concurrent.ScheduledExecutorService lockNotices;
    private ExecutorService lockGrants;
    /** GRANTED calls waiting to be made at most. */
    static final int MAX_QUEUED_GRANTS = 4096;
    private OncRpcSvc nsm;
    /** The status monitor's directory in the state directory. */
    public static final String NSM_DIR = "nsm";

    /**
     * Journals a change of the status monitor's list into every journal, so that whichever export
     * a backup replicates, it learns the lock clients it must notify when it takes over.
     */
    private void journalLockClient(StatusMonitor.Client c, boolean on) throws IOException {
        var m = new dev.nfsrepl.replication.record.Op.Monitor(c.name(), StatusMonitor.text(c.address()),
                StatusMonitor.text(c.server()), on);
        for (Journal j : journals.values()) {
            j.monitor(m);
        }
    }

    /** Client hosts the status monitor remembers at most (locks of more answer NLM4_DENIED_NOLOCKS). */
    static final int MAX_MONITORED_HOSTS = 4096;
    /** How long a call to a client (GRANTED, SM_NOTIFY) may take. */
    static final Duration CALLBACK_TIMEOUT = Duration.ofSeconds(5);

    /** How many locks one client host may hold, and how many requests it may have waiting, per export. */
    static final int MAX_LOCKS_PER_HOST = 65_536;
    static final int MAX_WAITING_PER_HOST = 1_024;

    public NfsServer(ServerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Serves {@code fs} (opened and closed by the caller) for the export of its directory. Before {@link #start}. */
    public synchronized NfsServer serving(LocalFileSystem fs) {
        open.put(config.export() != null ? config.export().toAbsolutePath().normalize() : fs.root(), fs);
        borrowed.add(fs);
        return this;
    }

    /** Replication of each journal, attached as it opens, before any client is served. Before {@link #start}. */
    public synchronized NfsServer replicating(java.util.function.Function<Journal, ReplicationHook> hook) {
        this.replication = hook;
        return this;
    }

    /** Reads of journaled exports are refused (NFS3ERR_JUKEBOX) while {@code gate} is closed. Before {@link #start}. */
    public synchronized NfsServer gatingReads(Journal.WriteGate gate) {
        this.readGate = gate;
        return this;
    }

    public synchronized NfsServer start() throws IOException {
        loadExports();
        if (config.journal() != null) {
            long every = config.journal().checkpointInterval().toMillis();
            checkpoints = Executors.newSingleThreadScheduledExecutor(
                    new ThreadFactoryBuilder().setNameFormat("nfsrepl-checkpoint").setDaemon(true).build());
            checkpoints.scheduleWithFixedDelay(this::checkpointJournals, every, every, TimeUnit.MILLISECONDS);
            nameIndexer = Executors.newSingleThreadScheduledExecutor(
                    new ThreadFactoryBuilder().setNameFormat("nfsrepl-names").setDaemon(true).build());
            nameIndexer.scheduleWithFixedDelay(this::indexNames, 1, 10, TimeUnit.SECONDS);
            long trees = config.journal().treeCheckpointInterval().toMinutes();
            if (trees > 0) {
                nameIndexer.scheduleWithFixedDelay(this::checkpointTrees, trees, trees, TimeUnit.MINUTES);
            }
        }
        writeVerifier = new byte[8];
        new SecureRandom().nextBytes(writeVerifier);
        if (config.portmap()) {
            // it first pings port 111 to find an rpcbind already running; on loopback half a second is plenty
            portmap = new OncRpcEmbeddedPortmap(500, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        var drc = new DuplicateRequestCache(64 * 1024, Duration.ofMinutes(10), Duration.ofSeconds(30));
        workers = Executors.newFixedThreadPool(config.workers(),
                new ThreadFactoryBuilder().setNameFormat("nfsrepl-worker-%d").build());
        var nfs = new Nfs3Service(table, writeVerifier, drc, workers);
        var mount = new OnWorkers(new MountService(table), workers);
        // NLM shares the MOUNT port (clients find it through the portmapper)
        lockNotices = Executors.newSingleThreadScheduledExecutor(
                new ThreadFactoryBuilder().setNameFormat("nfsrepl-nsm-notify").setDaemon(true).build());
        // GRANTED calls: one at a time, at most MAX_QUEUED_GRANTS waiting (beyond, the client finds out on its poll)
        lockGrants = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(MAX_QUEUED_GRANTS),
                new ThreadFactoryBuilder().setNameFormat("nfsrepl-nlm-granted").setDaemon(true).build());
        // a backup's read-only copy keeps its own lock clients apart from the list it receives from its primary:
        // only a server taking changes tells the primary's clients to reclaim
        StatusMonitor monitor = StatusMonitor.start(config.stateDir().resolve(config.readOnly() ? NSM_DIR + "-read-only"
                : NSM_DIR), MAX_MONITORED_HOSTS, clock.instant().getEpochSecond());
        monitor.setListener(this::journalLockClient);
        LockConfig lc = config.locks();
        var nlm = new NlmService(table, () -> new LockTable(MAX_LOCKS_PER_HOST, MAX_WAITING_PER_HOST),
                new RpcCaller(CALLBACK_TIMEOUT), lockGrants, lockNotices, monitor, clock::millis, lc.grace(),
                lc.notifyName());
        var nlmProgram = new OncRpcProgram(nlm4_prot.NLM_PROGRAM, nlm4_prot.NLM_V4);
        // on workers: a lock may wait for the disk (a new client host is recorded durably, and journaled)
        var nlmOnWorkers = new OnWorkers(nlm, workers);
        if (config.nfsPort() != 0 && config.nfsPort() == config.mountPort()) {
            nfsSvc = service("nfsrepl-nfs", config.nfsPort(), Map.of(
                    new OncRpcProgram(nfs3_prot.NFS_PROGRAM, nfs3_prot.NFS_V3), nfs,
                    new OncRpcProgram(nfs3_prot.MOUNT_PROGRAM, nfs3_prot.MOUNT_V3), mount, nlmProgram, nlmOnWorkers));
        } else {
            nfsSvc = service("nfsrepl-nfs", config.nfsPort(),
                    Map.of(new OncRpcProgram(nfs3_prot.NFS_PROGRAM, nfs3_prot.NFS_V3), nfs));
            mountSvc = service("nfsrepl-mount", config.mountPort(),
                    Map.of(new OncRpcProgram(nfs3_prot.MOUNT_PROGRAM, nfs3_prot.MOUNT_V3), mount, nlmProgram, nlmOnWorkers));
        }
        OncRpcSvcBuilder nsmSvc = new OncRpcSvcBuilder().withServiceName("nfsrepl-nsm").withBindAddress(config.bind())
                .withPort(lc.nsmPort()).withTCP().withUDP().withSameThreadIoStrategy()
                .withRpcService(new OncRpcProgram(nlm4_prot.NSM_PROGRAM, nlm4_prot.NSM_V1),
                        new OnWorkers(new NsmService(nlm), workers));
        nsmSvc = config.portmap() ? nsmSvc.withAutoPublish() : nsmSvc.withoutAutoPublish();
        nsm = nsmSvc.build();
        nsm.start();
        BoundedRecordMarking.install(nsm, MAX_RECORD);
        nlm.notifyClients();
        LOG.info("serving NFSv3 on {}:{} and MOUNT v3 and NLM v4 on {}:{}{}", config.bind(), nfsPort(), config.bind(),
                mountPort(), config.portmap() ? " (registered with the portmapper on port 111)"
                        : " (no portmapper: clients must give port= and mountport=)");
        return this;
    }

    private OncRpcSvc service(String name, int port, Map<OncRpcProgram, org.dcache.oncrpc4j.rpc.RpcDispatchable>
            programs) throws IOException {
        OncRpcSvcBuilder b = new OncRpcSvcBuilder()
                .withServiceName(name)
                .withBindAddress(config.bind())
                .withPort(port)
                .withTCP()
                .withSameThreadIoStrategy(); // the programs hand slow calls to our workers
        b = config.portmap() ? b.withAutoPublish() : b.withoutAutoPublish();
        programs.forEach(b::withRpcService);
        OncRpcSvc svc = b.build();
        svc.start();
        BoundedRecordMarking.install(svc, MAX_RECORD);
        return svc;
    }

    /** Reads the exports (the file, or the default export) and serves them; used at start and on SIGHUP. */
    public synchronized void loadExports() throws IOException {
        Exports exports = config.exportsFile() != null ? Exports.parse(config.exportsFile())
                : Exports.defaultFor(config.export(), config.pseudoPath(), config.readOnly(), config.clients());
        try {
            table.set(ExportTable.build(exports, this::fileSystemFor));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Export e : exports.all()) {
            LOG.info("export {} (fsid {}) -> {} for {}", e.pseudoPath(), Integer.toUnsignedString(e.fsid()),
                    e.localDir(), e.clients());
        }
    }

    private FileSystem fileSystemFor(Export e) {
        LocalFileSystem fs = open.get(e.localDir());
        if (fs == null) {
            // keyed by the local directory, so that changing an export's fsid or pseudo path keeps its state
            Path state = config.stateDir().resolve(exportKey(e));
            try {
                fs = new LocalFileSystem(e.localDir(), state, clock).start();
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot open export " + e.localDir() + " (state " + state + ")", ex);
            }
            open.put(e.localDir(), fs);
        }
        if (borrowed.contains(fs)) {
            return new PermissionCheckingFileSystem(fs); // its owner decides how it syncs
        }
        if (config.journal() == null) {
            fs.setSyncMetadata(e.clients().stream().anyMatch(c -> c.options().sync()));
            return new PermissionCheckingFileSystem(fs);
        }
        fs.setSyncMetadata(false); // the journal makes changes durable
        Journal j = journals.get(e.localDir());
        if (j == null) {
            Path dir = config.journal().dir().resolve(exportKey(e));
            try {
                j = Journal.open(dir, fs, config.journal().log(), clock);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot open the journal of export " + e.localDir() + " in " + dir, ex);
            }
            j.setReplication(replication.apply(j));
            journals.put(e.localDir(), j);
            recorders.put(e.localDir(), new RecordingFileSystem(fs, j)); // one per journal: it holds the operation locks
        }
        j.setSyncs(e.clients().stream().anyMatch(c -> c.options().sync()));
        FileSystem served = new dev.nfsrepl.journal.ReplicatedReplies(recorders.get(e.localDir()));
        return new PermissionCheckingFileSystem(readGate == null ? served : new dev.nfsrepl.journal.ReadGate(served, readGate));
    }

    /**
     * The export of {@code localDir} as the server itself changes it (no permission checks), its
     * changes journaled and replicated like a client's; null when it is not journaled or not served.
     */
    FileSystem recorded(Path localDir) {
        return recorders.get(localDir);
    }

    private static String exportKey(Export e) {
        return exportKey(e.localDir());
    }

    /** The name of an export's directories under the state and journal directories: from its local directory. */
    static String exportKey(Path localDir) {
        CRC32C crc = new CRC32C();
        crc.update(localDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
        return "export-" + Long.toHexString(crc.getValue());
    }

    /** Flushes each journaled export and advances its applied point; then applies the journal's retention. */
    private void checkpointJournals() {
        for (Journal j : List.copyOf(journals.values())) {
            try {
                j.checkpoint();
                j.log().applyRetention(j.appliedPoint() + 1);
            } catch (IOException | RuntimeException ex) {
                LOG.error("checkpoint of journal {} failed", j.log().dir(), ex);
            }
        }
    }

    /** Copies each journaled export's tree ({@link dev.nfsrepl.journal.Checkpoints}) and deletes the useless old copies. */
    private void checkpointTrees() {
        for (Journal j : List.copyOf(journals.values())) {
            try {
                j.checkpoints().make(j, dev.nfsrepl.journal.Restore.Progress.NONE);
                j.checkpoints().prune(j.log().firstSeq(), 1);
            } catch (IOException | dev.nfsrepl.fs.error.FsException | RuntimeException ex) {
                if (!Thread.currentThread().isInterrupted()) {
                    LOG.error("checkpoint of the tree of {} failed (restores start from an older one)", j.tree().root(), ex);
                }
            }
        }
    }

    /** Saves the names known at each new journal segment's start, so queries need not read from the journal's start. */
    private void indexNames() {
        for (Journal j : List.copyOf(journals.values())) {
            try {
                int n = j.names().update(j.log());
                if (n > 0) {
                    LOG.debug("journal {}: {} names snapshots written", j.log().dir(), n);
                }
            } catch (IOException | RuntimeException ex) {
                if (!Thread.currentThread().isInterrupted()) {
                    LOG.warn("names snapshot of journal {} failed (queries read from an earlier one)", j.log().dir(), ex);
                }
            }
        }
    }

    public int nfsPort() {
        return nfsSvc.getInetSocketAddress(IpProtocolType.TCP).getPort();
    }

    /** The status monitor's port (TCP and UDP). */
    public int nsmPort() {
        return nsm.getInetSocketAddress(IpProtocolType.TCP).getPort();
    }

    public int mountPort() {
        return (mountSvc == null ? nfsSvc : mountSvc).getInetSocketAddress(IpProtocolType.TCP).getPort();
    }

    /** The journal of the export of {@code localDir}, or null when it has none (or is not served). */
    Journal journal(Path localDir) {
        return journals.get(localDir);
    }

    /** The tree (undecorated) of the export of {@code localDir}, or null when it is not served. */
    synchronized LocalFileSystem tree(Path localDir) {
        return open.get(localDir);
    }

    public Iterable<ExportedFs> exports() {
        return table.all();
    }

    @Override
    public synchronized void close() throws IOException {
        if (nfsSvc != null) {
            nfsSvc.stop();
        }
        if (mountSvc != null) {
            mountSvc.stop();
        }
        if (nsm != null) {
            nsm.stop();
            nsm = null;
        }
        if (workers != null) {
            workers.shutdown();
            try {
                if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("NFS procedures still running after 10 s; closing the exports under them");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            workers = null;
        }
        if (lockNotices != null) {
            lockNotices.shutdownNow();
            lockGrants.shutdownNow();
            lockNotices = null;
            lockGrants = null;
        }
        if (portmap != null) {
            portmap.shutdown();
            portmap = null;
        }
        if (checkpoints != null) {
            checkpoints.shutdownNow();
            checkpoints = null;
        }
        if (nameIndexer != null) {
            nameIndexer.shutdownNow();
            try {
                nameIndexer.awaitTermination(10, TimeUnit.SECONDS); // it reads the journals closed below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            nameIndexer = null;
        }
        for (Journal j : journals.values()) {
            try {
                j.close();
            } catch (IOException e) {
                LOG.error("closing journal {}", j.log().dir(), e);
            }
        }
        journals.clear();
        recorders.clear();
        for (LocalFileSystem fs : open.values()) {
            if (!borrowed.contains(fs)) {
                fs.close();
            }
        }
        open.clear();
        LOG.info("stopped");
    }
}
