package dev.nfsrepl.replication.ship;

/**
 * How far backups may apply, as the primary offers it. Two limits make the point: a backup must
 * not apply a record that a failover could discard (so not beyond what a majority of the cluster
 * holds), nor a record whose fate the primary does not know yet (it may still fail and get an
 * ABORT, which the backup must hold before it would apply the record).
 */
public interface CommitPoint {

    /**
     * Every record up to {@code upTo} may be applied by a backup that holds every record up to
     * {@code needs} ({@code needs >= upTo}: it holds the ABORT of each of them that has one).
     */
    record Offer(long upTo, long needs) {
        public static final Offer NONE = new Offer(0, 0);
    }

    Offer offer();
}
