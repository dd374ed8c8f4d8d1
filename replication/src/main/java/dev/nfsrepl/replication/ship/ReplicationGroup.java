package dev.nfsrepl.replication.ship;

import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.OpRecord;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's side of replicating one export: a {@link BackupLink} per backup, fed with every
 * record the journal gets, and the cluster-wide facts the links share: the commit point (a record
 * may be applied once a majority of the cluster holds it — the primary counting as holding what it
 * wrote — and its fate is known) and, for sync mode, waiting until enough backups hold a record.
 *
 * <p>Thread-safe.
 */
public final class ReplicationGroup implements Closeable, CommitPoint {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationGroup.class);

    /** The journal as replication sees it. */
    public interface Source {
        SegmentLog log();

        /** Records up to {@code upTo} are applied or aborted, and every ABORT among them is at or before {@code needs}. */
        Offer settled();

        /** The tree, for full resyncs (null: none possible). */
        default TreeSource tree() {
            return null;
        }

        /** Whether the journal began when the tree was empty, so that its records alone rebuild the tree. */
        default boolean journalFromEmptyTree() {
            return true;
        }
    }

    /** Limits shared by the links. */
    public record Settings(LinkMachine.Config link, int maxFrameBytes, long spillLimitBytes) {
    }

    private final Source source;
    private final List<BackupLink.Target> targets;
    private final Path spillRoot;
    private final Settings settings;
    private final Clock clock;
    private final List<BackupLink> links = new java.util.concurrent.CopyOnWriteArrayList<>(); // read by the links' threads
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition moved = lock.newCondition();
    private EventLoopGroup group;
    private long next; // the next record to announce to the links; guarded by announcing
    private final java.util.TreeMap<Long, OpRecord> early = new java.util.TreeMap<>(); // told before next
    private final RecentRecords recent = new RecentRecords(32L << 20);
    private final Object announcing = new Object();
    private volatile java.util.function.Consumer<byte[]> clusterIn = b -> { };

    /** {@code spillRoot}: one spill directory per backup below it, named after the backup. */
    public ReplicationGroup(Source source, List<BackupLink.Target> targets, Path spillRoot, Settings settings, Clock clock) {
        this.source = source;
        this.targets = List.copyOf(targets);
        this.spillRoot = spillRoot;
        this.settings = settings;
        this.clock = clock;
    }

    public synchronized ReplicationGroup start() throws IOException {
        group = new MultiThreadIoEventLoopGroup(Math.max(1, targets.size()), NioIoHandler.newFactory()); // a thread per link
        next = source.log().lastSeq() + 1;
        for (BackupLink.Target t : targets) {
            BackupLink l = new BackupLink(t, source.log(), spillRoot.resolve(t.name()), settings.link(),
                    settings.maxFrameBytes(), settings.spillLimitBytes(), this, this::signal, source.tree(), group, clock, 0)
                    .keeping(recent).journalFromEmptyTree(source.journalFromEmptyTree())
                    .onClusterFrame(b -> clusterIn.accept(b));
            links.add(l.start());
            LOG.info("replicating to {} at {}", t.name(), l.status().address());
        }
        return this;
    }

    /**
     * The journal got {@code r}. Appending threads may tell of records out of order; the links
     * hear of them in order (records are numbered without gaps).
     */
    public void appended(OpRecord r) {
        synchronized (announcing) {
            if (r.seq() < next) {
                return; // from before the start: the links read it from the journal
            }
            early.put(r.seq(), r);
            for (OpRecord n; (n = early.remove(next)) != null; next++) {
                long bytes = BackupLink.approximateSize(n);
                recent.add(n, bytes);
                for (BackupLink l : links) {
                    l.appended(next, bytes);
                }
            }
        }
    }

    @Override
    public Offer offer() {
        Offer settled = source.settled();
        return new Offer(Math.min(settled.upTo(), heldByMajority()), settled.needs());
    }

    /** The newest record a majority of the cluster holds: the primary and half of the backups (rounded up). */
    long heldByMajority() {
        BackupLink[] ls = links.toArray(new BackupLink[0]); // asked on every commit check: no streams, no boxing
        int needed = (ls.length + 1) / 2;
        if (needed == 0) {
            return source.log().lastSeq();
        }
        long[] acked = new long[ls.length];
        for (int i = 0; i < ls.length; i++) {
            acked[i] = ls[i].acked();
        }
        java.util.Arrays.sort(acked);
        return acked[acked.length - needed]; // the needed-th largest
    }

    /** How many backups hold {@code seq} durably. */
    public int holding(long seq) {
        int n = 0;
        for (BackupLink l : links) {
            if (l.acked() >= seq) {
                n++;
            }
        }
        return n;
    }

    /** How many backups are connected (catching up or streaming). */
    public int reachable() {
        int n = 0;
        for (BackupLink l : links) {
            LinkMachine.State s = l.state();
            if (s == LinkMachine.State.STREAMING || s == LinkMachine.State.CATCHING_UP) {
                n++;
            }
        }
        return n;
    }

    /**
     * Waits until {@code count} backups hold {@code seq} durably, or while {@code giveUp} says to go
     * on waiting. Returns whether they do.
     */
    public boolean awaitHeld(long seq, int count, java.util.function.BooleanSupplier giveUp) throws InterruptedException {
        lock.lock();
        try {
            while (holding(seq) < count) {
                if (giveUp.getAsBoolean()) {
                    return false;
                }
                moved.await(50, TimeUnit.MILLISECONDS); // also rechecks reachability now and then
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Records settled (applied or aborted here): the commit point may move. */
    public void recordsSettled() {
        for (BackupLink l : links) {
            l.commitMayMove();
        }
    }

    private void signal() {
        recordsSettled(); // a backup acknowledged more: the commit point (held by a majority) may move
        lock.lock();
        try {
            moved.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Where the cluster datagrams backups send over their replication connections go. */
    public void onClusterFrame(java.util.function.Consumer<byte[]> in) {
        clusterIn = in;
    }

    /** Sends a cluster datagram to backup {@code name} over its replication connection, when one is up. */
    public void sendCluster(String name, byte[] datagram) {
        for (BackupLink l : links) {
            if (l.name().equals(name)) {
                l.sendCluster(datagram);
            }
        }
    }

    public int backups() {
        return links.size();
    }

    public List<BackupLink.Status> status() {
        return links.stream().map(BackupLink::status).toList();
    }

    @Override
    public synchronized void close() throws IOException {
        for (BackupLink l : links) {
            l.close();
        }
        links.clear();
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

}
