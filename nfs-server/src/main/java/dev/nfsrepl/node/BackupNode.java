package dev.nfsrepl.node;

import dev.nfsrepl.lock.StatusMonitor;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.journal.ReplicaStore;
import dev.nfsrepl.replication.ship.ReplicaServer;
import dev.nfsrepl.replication.wire.ReplicationTls;
import dev.nfsrepl.replication.wire.SyncKey;
import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.node.admin.NodeStatus;
import dev.nfsrepl.journal.JournalSource;
import dev.nfsrepl.node.admin.NodeView;
import dev.nfsrepl.replication.ship.Receiver;
import dev.nfsrepl.replication.wire.Ack;
import java.io.Closeable;
import java.util.List;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup node: receives its primary's records ({@link ReplicaServer}), keeps them in its receive
 * journal and applies them to its copy ({@link ReplicaStore}), flushes the copy and advances its
 * applied point at each checkpoint, and serves the copy read-only over NFS once it has one.
 */
final class BackupNode implements Closeable, NodeView {

    private static final Logger LOG = LoggerFactory.getLogger(BackupNode.class);

    private final ServerConfig config;
    private final Clock clock;
    private final ReplicaStore store;
    private final ReplicaServer replication;
    private final ScheduledExecutorService checkpoints = Executors.newSingleThreadScheduledExecutor(
            new ThreadFactoryBuilder().setNameFormat("nfsrepl-replica-checkpoint").setDaemon(true).build());
    private NfsServer nfs;

    private final String name;

    BackupNode(String name, ServerConfig config, SyncKey key, ReplicationTls tls, int replicationPort, Clock clock) {
        this(name, config, key, tls, replicationPort, clock, dev.nfsrepl.replication.ship.Fencing.NONE);
    }

    /** @param fencing which primaries it accepts (in a cluster: none of an older epoch than it knows) */
    BackupNode(String name, ServerConfig config, SyncKey key, ReplicationTls tls, int replicationPort, Clock clock,
               dev.nfsrepl.replication.ship.Fencing fencing) {
        this.name = name;
        this.config = config;
        this.clock = clock;
        Path dir = config.journal().dir().resolve(NfsServer.exportKey(config.export()));
        this.store = new ReplicaStore(config.export(), config.stateDir().resolve(NfsServer.exportKey(config.export())),
                dir, config.journal().log(), clock, new ReplicaStore.Serving() {
                    @Override
                    public void opened(LocalFileSystem fs) {
                        serve(fs);
                    }

                    @Override
                    public void closing(LocalFileSystem fs) {
                        unserve();
                    }

                    @Override
                    public void lockClient(dev.nfsrepl.replication.record.Op.Monitor m) {
                        // kept where this node's server reads it when it starts serving as the primary; a failure
                        // here must not stop the replication of the tree
                        Path nsm = config.stateDir().resolve(NfsServer.NSM_DIR);
                        try {
                            StatusMonitor.replicated(nsm, new StatusMonitor.Client(m.host(),
                                    StatusMonitor.numeric(m.client()), StatusMonitor.numeric(m.server())), m.on());
                        } catch (IOException | IllegalArgumentException e) {
                            LOG.warn("backup {}: lock client {} not recorded in {} ({}): if this node takes over, it "
                                    + "will not tell that client to reclaim its locks", name, m.host(), nsm, e.getMessage());
                        }
                    }
                });
        this.replication = new ReplicaServer(new InetSocketAddress(config.bind(), replicationPort), key, tls, store,
                ReplicationOptions.MAX_FRAME, Duration.ofSeconds(10), fencing);
    }

    /** A newer epoch began: the connection of an older primary is closed. */
    /** Cluster datagrams over the replication connection: where those from the primary go. */
    void onClusterFrame(java.util.function.Consumer<byte[]> in) {
        replication.onClusterFrame(in);
    }

    /** Sends a cluster datagram to {@code to} over the replication connection, if it is the primary connected. */
    void sendCluster(String to, byte[] datagram) {
        replication.sendCluster(to, datagram);
    }

    void fence(long epoch) {
        replication.fence(epoch);
    }

    /** The newest record this backup holds (0: none yet). */
    long lastSeq() {
        Receiver rx = store.receiver();
        return rx == null ? 0 : rx.position().durable();
    }

    /** See {@link ReplicaStore#divergeFrom}. */
    long divergeFrom(long fork, String name) throws IOException {
        return store.divergeFrom(fork, name);
    }

    /** Whether it could take over now: it holds a copy, no full resync is under way, and its copy has not diverged. */
    boolean mayTakeOver() {
        Receiver rx = store.receiver();
        return rx != null && !store.resyncing() && rx.diverged() == null;
    }

    /** The FileId epoch of its copy (0: no copy yet). */
    int fileIdEpoch() {
        LocalFileSystem fs = store.fileSystem();
        return fs == null ? 0 : fs.epoch();
    }

    /**
     * To take over as primary: stops receiving, applies every record held (see
     * {@link ReplicaStore#applyAllAndClose}) and closes; returns the last record.
     */
    long handOver() throws IOException {
        replication.close();
        checkpoints.shutdownNow();
        return store.applyAllAndClose();
    }

    BackupNode start() throws IOException {
        store.start();
        replication.start();
        long every = config.journal().checkpointInterval().toMillis();
        checkpoints.scheduleWithFixedDelay(() -> {
            try {
                store.checkpoint();
            } catch (IOException | RuntimeException e) {
                LOG.error("checkpoint of the backup copy {} failed", config.export(), e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
        checkpoints.scheduleWithFixedDelay(() -> {
            try {
                store.indexNames();
            } catch (IOException | RuntimeException e) {
                LOG.warn("names snapshot of the receive journal of {} failed (queries read from an earlier one)",
                        config.export(), e);
            }
        }, 1, 10, TimeUnit.SECONDS);
        return this;
    }

    int replicationPort() {
        return replication.port();
    }

    /** Serves the copy read-only, once it is open (at start, or on the primary's first contact). */
    private synchronized void serve(LocalFileSystem fs) {
        try {
            nfs = new NfsServer(config.withJournal(null), clock).serving(fs).start();
            System.out.println("nfsrepl: backup copy served read-only; mount with: mount -t nfs -o ro,vers=3,proto=tcp,port="
                    + nfs.nfsPort() + ",mountport=" + nfs.mountPort() + ",mountproto=tcp " + config.bind() + ":"
                    + exportPath() + " /mnt");
        } catch (IOException e) {
            LOG.error("cannot serve the backup copy {} over NFS (replication goes on): {}", config.export(), e.getMessage());
        }
    }

    /** Stops serving the copy (it is about to be replaced). */
    private synchronized void unserve() {
        if (nfs != null) {
            try {
                nfs.close();
            } catch (IOException e) {
                LOG.warn("stopping NFS service of the backup copy: {}", e.getMessage());
            }
            nfs = null;
        }
    }

    @Override
    public NodeStatus status() {
        LocalFileSystem fs = store.fileSystem();
        Receiver rx = store.receiver();
        Ack at = rx == null ? new Ack(0, 0) : rx.position();
        String diverged = rx == null ? null : rx.diverged();
        String state = store.resyncing() ? "RESYNCING" : rx == null ? "WAITING" : diverged != null ? "DIVERGED"
                : "APPLYING";
        String path = exportPath();
        int epoch = fs == null ? 0 : fs.epoch();
        NodeStatus.Export e = new NodeStatus.Export(path, config.export().toString(), epoch, at.durable(),
                at.applied(), store.journalBytes(), null, 0, null, new NodeStatus.Replica(state, at.durable(), at.applied(),
                rx == null ? 0 : rx.commitPoint(), diverged));
        return new NodeStatus(name, "backup", epoch, at.durable(), List.of(e));
    }

    @Override
    public FileSystem tree(String exportPath) {
        return exportPath == null || exportPath.equals(exportPath()) ? store.fileSystem() : null;
    }

    @Override
    public JournalSource journal(String exportPath) {
        return exportPath == null || exportPath.equals(exportPath()) ? store.journal() : null;
    }

    /** The path clients mount. */
    private String exportPath() {
        return config.pseudoPath() != null ? config.pseudoPath() : config.export().normalize().toString();
    }

    synchronized NfsServer nfs() {
        return nfs;
    }

    @Override
    public void close() throws IOException {
        replication.close();
        checkpoints.shutdownNow();
        store.close(); // stops the NFS service first
    }
}
