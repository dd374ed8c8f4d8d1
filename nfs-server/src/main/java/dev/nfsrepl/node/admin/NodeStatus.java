package dev.nfsrepl.node.admin;

import dev.nfsrepl.replication.ship.BackupLink;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /api/v1/status} returns (as JSON, these names): the node, its role, and per
 * export either its journal and its backups (a primary) or its copy (a backup). {@code epoch} and
 * {@code lastSeq} at the top are those of the first export (the demo's only one). {@code cluster}:
 * the node's view of its cluster with failover (null outside one).
 */
public record NodeStatus(String node, String role, int epoch, long lastSeq, List<Export> exports, Cluster cluster) {

    public NodeStatus(String node, String role, int epoch, long lastSeq, List<Export> exports) {
        this(node, role, epoch, lastSeq, exports, null);
    }

    /** This node with {@code c} as its cluster view. */
    public NodeStatus inCluster(Cluster c) {
        return new NodeStatus(node, role, epoch, lastSeq, exports, c);
    }

    /**
     * A node of a cluster with failover: its epoch (of elections; the records a primary writes carry
     * it), its role in it (PRIMARY, CANDIDATE, BACKUP), the primary it follows (null: none known),
     * whether it may accept changes now (a primary holding its lease), the members, and the history
     * of epochs (EPOCH:FIRSTSEQ, ...).
     */
    public record Cluster(long epoch, String role, String primary, boolean mayWrite, List<String> members,
                          String history) {
    }

    /**
     * One export. {@code lastSeq}: the newest record of its journal (a backup: the newest it
     * received); {@code appliedSeq}: the journal's applied point (checkpointed) on a primary, the
     * newest record applied on a backup. {@code recordsByType} and {@code bytesWritten} (WRITE data):
 * what the journal took since the node started (a primary). {@code backups} for a primary,
 * {@code replica} for a backup.
     */
    public record Export(String path, String dir, int epoch, long lastSeq, long appliedSeq, long journalBytes,
                         Map<String, Long> recordsByType, long bytesWritten, List<Backup> backups, Replica replica) {
    }

    /**
     * A primary's view of one backup (see {@link BackupLink.Status}); {@code lagRecords} = lastSeq −
     * acked; {@code lagSeconds}: how old the oldest record the backup does not hold is (0 when none).
     */
    public record Backup(String name, String address, String state, long acked, long applied, long lagRecords,
                         double lagSeconds, boolean spilling, long spillBytes, boolean needsResync, boolean diverged,
                         String why) {

        public static Backup of(BackupLink.Status s, long lastSeq, double lagSeconds) {
            return new Backup(s.name(), s.address(), s.state().name(), s.acked(), s.applied(),
                    Math.max(0, lastSeq - s.acked()), lagSeconds, s.spilling(), s.spillBytes(), s.needsResync(),
                    s.diverged(), s.why());
        }
    }

    /**
     * A backup's copy. {@code state}: WAITING (no contact with a primary yet), RESYNCING (a full
     * resync is being received), APPLYING (applying up to the commit point), DIVERGED (applying
     * stopped: {@code diverged} says on what; records are still received).
     */
    public record Replica(String state, long received, long applied, long commitPoint, String diverged) {
    }
}
