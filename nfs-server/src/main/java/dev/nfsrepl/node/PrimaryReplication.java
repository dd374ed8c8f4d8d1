package dev.nfsrepl.node;

import dev.nfsrepl.journal.Journal;
import dev.nfsrepl.journal.ReplicationHook;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.ship.BackupLink;
import dev.nfsrepl.replication.ship.CommitPoint;
import dev.nfsrepl.replication.ship.TreeSource;
import dev.nfsrepl.journal.TreeWalk;
import dev.nfsrepl.replication.ship.ReplicationGroup;
import dev.nfsrepl.replication.wire.Hello;
import dev.nfsrepl.replication.wire.ReplicationTls;
import dev.nfsrepl.replication.wire.SyncKey;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A primary's replication of one journaled export: its {@link ReplicationGroup}, told of every
 * record, and the replication mode's wait before replies that promise stability.
 */
final class PrimaryReplication implements ReplicationHook, Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(PrimaryReplication.class);

    private final Journal journal;
    private final ReplicationGroup group;
    private final ReplicationOptions options;
    private final int needed;
    private final AtomicLong lastWarning = new AtomicLong();

    PrimaryReplication(Journal journal, ReplicationOptions options, SyncKey key, ReplicationTls tls, Clock clock)
            throws IOException {
        this(journal, options, options.parsedPeers(), new Hello(journal.tree().rootId(), journal.tree().generation()),
                key, tls, clock);
    }

    /** To {@code peers}, naming the export (and, in a cluster, this primary's epoch and history) with {@code hello}. */
    PrimaryReplication(Journal journal, ReplicationOptions options, List<ReplicationOptions.Peer> peers, Hello hello,
                       SyncKey key, ReplicationTls tls, Clock clock) throws IOException {
        this.journal = journal;
        this.options = options;
        List<BackupLink.Target> targets = peers.stream()
                .map(p -> new BackupLink.Target(p.name(), p.address(), key, tls, options.nodeName(), hello)).toList();
        this.needed = Math.min(options.syncBackups, targets.size());
        if (options.mode == ReplicationOptions.Mode.sync && options.syncBackups > targets.size()) {
            LOG.warn("sync mode asks for {} backups but {} are configured: waiting for {}", options.syncBackups,
                    targets.size(), targets.size());
        }
        ReplicationGroup.Source source = new ReplicationGroup.Source() {
            @Override
            public SegmentLog log() {
                return journal.log();
            }

            @Override
            public CommitPoint.Offer settled() {
                return journal.settled();
            }

            @Override
            public boolean journalFromEmptyTree() {
                return journal.startedEmpty();
            }

            @Override
            public TreeSource tree() {
                return (have, out) -> TreeWalk.live(journal, have, out::accept).asOf();
            }
        };
        this.group = new ReplicationGroup(source, targets, journal.log().dir().resolveSibling("spill"),
                options.settings(), clock).start();
    }

    ReplicationGroup group() {
        return group;
    }

    Journal journal() {
        return journal;
    }

    @Override
    public void appended(OpRecord r) {
        group.appended(r);
    }

    @Override
    public void done(long seq) {
        group.recordsSettled();
    }

    @Override
    public void awaitReplicated(long seq) throws IOException {
        if (options.mode != ReplicationOptions.Mode.sync || needed == 0) {
            return;
        }
        boolean fallBack = options.whenUnreachable == ReplicationOptions.WhenNoBackup.async;
        try {
            // a primary that lost its lease (or its role) stops waiting: its client is told to try again
            // (at the new primary, which holds the change or not; the reply never promised either)
            if (!group.awaitHeld(seq, needed, () -> journal.closedBecause() != null
                    || (fallBack && group.reachable() < needed))) {
                String closed = journal.closedBecause();
                if (closed != null) {
                    throw new NotPrimaryException("record #" + seq + " is not known to be on enough backups, and "
                            + "changes are refused now: " + closed);
                }
                long now = System.nanoTime();
                long last = lastWarning.get();
                if (now - last > TimeUnit.SECONDS.toNanos(10) && lastWarning.compareAndSet(last, now)) {
                    LOG.warn("sync mode: only {} of {} backups reachable; replying after the local journal only "
                            + "(--sync-when-unreachable=async)", group.reachable(), needed);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for backups to hold record #" + seq);
        }
    }

    @Override
    public void close() throws IOException {
        group.close();
    }

    /** Waiting for backups ended because this node may no longer take changes (no lease, not primary). */
    static final class NotPrimaryException extends IOException {
        NotPrimaryException(String message) {
            super(message);
        }
    }
}
