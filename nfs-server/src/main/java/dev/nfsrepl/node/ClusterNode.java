package dev.nfsrepl.node;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.journal.Journal;
import dev.nfsrepl.journal.JournalSource;
import dev.nfsrepl.node.admin.NodeStatus;
import dev.nfsrepl.node.admin.NodeView;
import dev.nfsrepl.replication.cluster.ClusterLink;
import dev.nfsrepl.replication.cluster.ClusterState;
import dev.nfsrepl.replication.cluster.Election;
import dev.nfsrepl.replication.cluster.EpochHistory;
import dev.nfsrepl.replication.ship.BackupLink;
import dev.nfsrepl.replication.ship.Fencing;
import dev.nfsrepl.replication.wire.Hello;
import dev.nfsrepl.replication.wire.ReplicationTls;
import dev.nfsrepl.replication.wire.SyncKey;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node of a cluster with failover: one export, its members elect the primary
 * ({@link ClusterLink}), and this node serves as what the election makes it. As a backup it
 * receives, applies and serves its copy read-only ({@link BackupNode}, refusing primaries of an
 * older epoch); as primary it journals, serves read-write and replicates to every other member
 * ({@link NfsServer} + {@link PrimaryReplication}), accepting changes only while it holds its lease
 * (NFS3ERR_JUKEBOX otherwise: clients retry, here or at the new primary).
 *
 * <p>Taking over: receiving stops, every record held is applied, the new epoch is recorded in the
 * history of epochs (its first record: the one after the last held) before anything is served, the
 * tree issues FileIds of the new epoch, and the journal goes on after the received records (the
 * receive journal is the journal's continuation). NFS service restarts on the same ports with a
 * fresh write verifier (clients resend what they never committed) and the duplicate request cache
 * of the journal's last minutes. Stepping down (a newer epoch, an operator): changes stop at once,
 * the primary's service closes, and the node serves again as a backup of whoever is primary.
 *
 * <p>Role changes run one at a time on a thread of their own.
 */
final class ClusterNode implements Closeable, NodeView {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    private final String name;
    private final ServerConfig config;
    private final ReplicationOptions repl;
    private final ClusterOptions options;
    private final SyncKey key;
    private final ReplicationTls tls;
    private final Clock clock;
    private final Map<String, ClusterOptions.Member> members;
    private final ExecutorService roles = Executors.newSingleThreadExecutor(
            new ThreadFactoryBuilder().setNameFormat("nfsrepl-role").setDaemon(true).build());
    private final ScheduledExecutorService position = Executors.newSingleThreadScheduledExecutor(
            new ThreadFactoryBuilder().setNameFormat("nfsrepl-position").setDaemon(true).build());
    private ClusterState state;
    private volatile ClusterLink link;
    private volatile BackupNode backup;
    private volatile Primary primary;
    private volatile String handingOver; // a planned switchover is under way: changes wait
    private volatile boolean bootstrap; // --role primary in a new cluster: its tree is the cluster's

    /** This node's primary service: NFS with its journal, and replication to the other members. */
    private record Primary(NfsServer nfs, PrimaryReplication replication, Journal journal, long epoch) {
    }

    ClusterNode(String name, ServerConfig config, ReplicationOptions repl, ClusterOptions options, SyncKey key,
                ReplicationTls tls, Clock clock) {
        this.name = name;
        this.config = config.withExportAs(config.pseudoPath(), false);
        this.repl = repl;
        this.options = options;
        this.key = key;
        this.tls = tls;
        this.clock = clock;
        this.members = options.parsedMembers();
        if (!members.containsKey(name)) {
            throw new IllegalArgumentException("--name " + name + " is not among the --member entries " + members.keySet());
        }
    }

    ClusterNode start() throws IOException {
        state = ClusterState.load(config.stateDir());
        backup = newBackup();
        // it starts as a backup: a hook that moves a service address takes it away from a node that held
        // it before a crash (as keepalived runs its notify script for the state it starts in)
        long startEpoch = state.epoch();
        roles.execute(() -> runHook("backup", startEpoch));
        Map<String, InetSocketAddress> udp = new HashMap<>();
        members.forEach((n, m) -> udp.put(n, n.equals(name)
                ? new InetSocketAddress(config.bind(), m.clusterPort()) : m.cluster()));
        link = new ClusterLink(options.election(name), new ClusterLink.Members(udp), state,
                key.derive("nfsrepl cluster datagrams"), (role, epoch, primaryName) ->
                roles.execute(() -> roleChanged(role, epoch, primaryName)), System::nanoTime).start();
        link.alsoVia(this::sendOverReplication);
        link.epochFloor(backup.fileIdEpoch() + 1L);
        position.scheduleWithFixedDelay(this::reportPosition, 0, 100, TimeUnit.MILLISECONDS);
        bootstrap = repl.role == ReplicationOptions.Role.primary && state.epoch() == 0;
        reportPosition();
        if (bootstrap) {
            LOG.info("cluster: a new cluster, and this node's tree is to be its tree (--role primary): standing for "
                    + "election");
            link.promote(false);
        }
        return this;
    }

    private BackupNode newBackup() throws IOException {
        int port = members.get(name).replicationPort();
        BackupNode[] self = {null}; // (its first HELLO may come before start() returns)
        BackupNode b = new BackupNode(name, config.withExportAs(config.pseudoPath(), true), key, tls, port, clock,
                fencing(() -> self[0]));
        self[0] = b;
        b.onClusterFrame(this::receivedOverReplication);
        return b.start();
    }

    /** Heartbeats and their answers go over the replication connections too (see {@link ClusterLink.OtherPath}). */
    private void sendOverReplication(String to, byte[] datagram) {
        Primary p = primary;
        if (p != null) {
            p.replication().group().sendCluster(to, datagram);
            return;
        }
        BackupNode b = backup;
        if (b != null) {
            b.sendCluster(to, datagram);
        }
    }

    private void receivedOverReplication(byte[] datagram) {
        ClusterLink l = link;
        if (l != null) {
            l.receivedOver("the replication connection", datagram);
        }
    }

    /** A primary of an epoch older than this node knows is refused; one of a newer epoch teaches it the history. */
    private Fencing fencing(java.util.function.Supplier<BackupNode> of) {
        return hello -> {
            long known = link == null ? state.epoch() : link.epoch();
            if (hello.epoch() < known) {
                throw new IOException("a primary of epoch " + hello.epoch() + " (" + hello + "), but epoch " + known
                        + " began: it is no longer primary");
            }
            EpochHistory mine = state.history();
            if (!hello.history().equals(mine)) {
                long fork = mine.forkWith(hello.history());
                BackupNode b = of.get();
                if (b != null && fork != Long.MAX_VALUE && b.lastSeq() >= fork) {
                    // this node wrote records as an older primary that the new one never got
                    b.divergeFrom(fork, "epoch-" + mine.epochOf(fork) + "-from-" + fork + "-" + clock.instant()
                            .toString().replace(':', '-'));
                }
                state.history(hello.history());
            }
        };
    }

    /** Tells the election how far this node's log goes (its votes compare it). */
    private void reportPosition() {
        try {
            Primary p = primary;
            long last = p != null ? p.journal().log().lastSeq() : backup != null ? backup.lastSeq() : 0;
            EpochHistory h = state.history();
            link.logEnd(h.epochOf(last), last);
            BackupNode b = backup;
            link.eligible(p != null || bootstrap || (b != null && b.mayTakeOver()));
        } catch (RuntimeException e) {
            LOG.debug("position report: {}", e.toString());
        }
    }

    private void roleChanged(Election.Role role, long epoch, String primaryName) {
        try {
            if (role == Election.Role.PRIMARY && primary == null) {
                becomePrimary(epoch);
            } else if (role != Election.Role.PRIMARY && primary != null) {
                becomeBackup(epoch);
            } else if (backup != null) {
                backup.fence(epoch);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("cluster: becoming {} in epoch {} failed: {}", role, epoch, e.toString(), e);
            if (role == Election.Role.PRIMARY) {
                link.stepDown(null);
            }
            if (primary == null && backup == null) {
                try {
                    backup = newBackup();
                } catch (IOException again) {
                    LOG.error("cluster: cannot serve as a backup either: {}", again.toString());
                }
            }
        }
    }

    private void becomePrimary(long epoch) throws IOException {
        if (epoch > 0xFFFF) {
            throw new IOException("epoch " + epoch + " is past the 65535 FileId epochs a tree can issue");
        }
        long began = System.nanoTime();
        long last = 0;
        BackupNode b = backup;
        if (b != null) {
            backup = null; // (on failure the caller starts a new one from what is on disk)
            try {
                last = b.handOver(); // (closes it)
            } catch (IOException | RuntimeException e) {
                try {
                    b.close();
                } catch (IOException | RuntimeException c) {
                    e.addSuppressed(c);
                }
                throw e;
            }
        }
        EpochHistory history = state.begin(epoch, last + 1); // before anything is served as this epoch's
        Hello[] hello = {null};
        PrimaryReplication[] replication = {null};
        Journal[] journal = {null};
        NfsServer nfs = new NfsServer(config, clock);
        if (options.readsWithoutLease == ClusterOptions.LeaselessReads.refuse) {
            nfs.gatingReads(() -> link.mayWrite() ? null : "this node (" + name + ") no longer holds the primary's lease");
        }
        nfs.replicating(j -> {
            try {
                if (j.tree().epoch() > epoch) { // (an export that issued FileIds before its cluster's epochs got there)
                    link.epochFloor(j.tree().epoch() + 1L);
                    throw new IOException("the tree issues FileIds of epoch " + j.tree().epoch() + ", past epoch "
                            + epoch + ": standing again in a later one");
                }
                if (j.tree().epoch() < epoch) {
                    j.tree().newEpoch((int) epoch);
                }
                j.setWriteGate(this::closedBecause);
                hello[0] = new Hello(j.tree().rootId(), j.tree().generation(), epoch, history);
                List<ReplicationOptions.Peer> peers = members.values().stream().filter(m -> !m.name().equals(name))
                        .map(m -> new ReplicationOptions.Peer(m.name(), m.replication())).toList();
                replication[0] = new PrimaryReplication(j, repl, peers, hello[0], key, tls, clock);
                replication[0].group().onClusterFrame(this::receivedOverReplication);
                journal[0] = j;
                return replication[0];
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            nfs.start();
        } catch (IOException | RuntimeException e) {
            if (replication[0] != null) {
                replication[0].close();
            }
            nfs.close();
            throw e;
        }
        primary = new Primary(nfs, replication[0], journal[0], epoch);
        LOG.warn("cluster: {} is PRIMARY of epoch {}: journal goes on after #{}, serving read-write on NFS port {} "
                + "({} ms to take over)", name, epoch, last, nfs.nfsPort(), (System.nanoTime() - began) / 1_000_000);
        runHook("primary", epoch);
    }

    private void becomeBackup(long epoch) throws IOException {
        Primary p = primary;
        primary = null; // (the gate is closed already: the link's role is no longer PRIMARY)
        LOG.warn("cluster: {} is no longer primary (epoch {}); serving as a backup", name, epoch);
        try {
            p.replication().close();
        } finally {
            p.nfs().close();
        }
        handingOver = null;
        backup = newBackup();
        runHook("backup", epoch);
    }

    /** Why changes are refused now (null: they may be made). */
    private String closedBecause() {
        if (!link.mayWrite()) {
            return "this node (" + name + ") is not the primary holding a lease (epoch " + link.epoch() + ", primary: "
                    + (link.primary() == null ? "none known" : link.primary()) + ")";
        }
        String h = handingOver;
        return h == null ? null : "this node is handing over to " + h;
    }

    private void runHook(String role, long epoch) {
        if (options.onRoleChange == null) {
            return;
        }
        List<String> cmd = List.of("/bin/sh", "-c", options.onRoleChange + " \"$@\"", "nfsrepl-hook", role,
                Long.toString(epoch), name);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            int rc = p.waitFor();
            if (rc != 0) {
                LOG.error("cluster: --on-role-change '{}' {} {} exited {}: {}", options.onRoleChange, role, epoch, rc, out);
            } else {
                LOG.info("cluster: --on-role-change {} {}: done{}", role, epoch, out.isEmpty() ? "" : ": " + out);
            }
        } catch (IOException e) {
            LOG.error("cluster: cannot run --on-role-change '{}': {}", options.onRoleChange, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ operator actions

    /** Stands for election now (see {@link Election.Promote}); the outcome shows in the status. */
    @Override
    public void promote(boolean force) {
        link.promote(force);
    }

    /**
     * A planned switchover: changes stop at once, then, once {@code successor} (or, when null, the
     * backup furthest ahead) holds every record, this node steps down naming it, and it takes over
     * at once. Returns the successor.
     */
    @Override
    public String demote(String successor) throws IOException {
        Primary p = primary;
        if (p == null) {
            throw new IllegalStateException("this node is not the primary");
        }
        List<BackupLink.Status> backups = p.replication().group().status();
        String to = successor;
        if (to == null) {
            to = backups.stream().max(java.util.Comparator.comparingLong(BackupLink.Status::acked))
                    .map(BackupLink.Status::name).orElseThrow(() -> new IllegalStateException("no backup to hand over to"));
        } else if (!members.containsKey(to) || to.equals(name)) {
            throw new IllegalArgumentException(to + " is not another member of " + members.keySet());
        }
        handingOver = to;
        long last;
        try { // (a change appending as the gate closed is counted, and the ABORT of one that then fails)
            last = p.journal().settledBeforeGate(java.time.Duration.ofSeconds(10));
        } catch (IOException e) {
            handingOver = null;
            throw e;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String target = to;
        while (p.replication().group().status().stream().noneMatch(s -> s.name().equals(target) && s.acked() >= last)) {
            if (System.nanoTime() > deadline) {
                handingOver = null;
                throw new IOException(target + " did not get record #" + last + " within 30 s; still primary");
            }
            try {
                Thread.sleep(10); // (a backup acknowledges within a batch delay of the record)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handingOver = null;
                throw new java.io.InterruptedIOException("interrupted");
            }
        }
        LOG.warn("cluster: handing over to {}, which holds every record up to #{}", to, last);
        link.stepDown(to);
        return to;
    }

    // ------------------------------------------------------------------ NodeView

    /** What this node serves as now: its primary service, or its backup (null between the two). */
    private NodeView current() {
        Primary p = primary;
        return p != null ? new PrimaryView(name, p.nfs(), List.of(p.replication())) : backup;
    }

    @Override
    public NodeStatus status() {
        NodeView v = current();
        NodeStatus s = v != null ? v.status() : new NodeStatus(name, "backup", 0, 0, List.of());
        EpochHistory h = state.history();
        boolean serving = primary != null && link.mayWrite(); // (the lease comes a moment before the service)
        return s.inCluster(new NodeStatus.Cluster(link.epoch(), link.role().name(), link.primary(), serving,
                List.copyOf(members.keySet()), h.toString()));
    }

    @Override
    public FileSystem tree(String exportPath) {
        NodeView v = current();
        return v == null ? null : v.tree(exportPath);
    }

    @Override
    public JournalSource journal(String exportPath) {
        NodeView v = current();
        return v == null ? null : v.journal(exportPath);
    }

    @Override
    public FileSystem recorded(String exportPath) {
        NodeView v = current();
        return v == null ? null : v.recorded(exportPath);
    }

    @Override
    public Journal liveJournal(String exportPath) {
        NodeView v = current();
        return v == null ? null : v.liveJournal(exportPath);
    }

    @Override
    public void close() throws IOException {
        position.shutdownNow();
        if (link != null) {
            link.close();
        }
        roles.shutdown();
        try {
            roles.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Primary p = primary;
        if (p != null) {
            p.replication().close();
            p.nfs().close();
        }
        if (backup != null) {
            backup.close();
        }
    }
}
