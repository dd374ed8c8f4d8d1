package dev.nfsrepl.journal;

import dev.nfsrepl.replication.record.OpRecord;
import java.io.IOException;

/** What the journal tells replication, and waits for in sync mode. */
public interface ReplicationHook {

    ReplicationHook NONE = new ReplicationHook() {
        @Override
        public void appended(OpRecord r) {
        }

        @Override
        public void awaitReplicated(long seq) {
        }
    };

    /** The journal got {@code r} (called once per record, from the thread that appended it, in no particular order). */
    void appended(OpRecord r);

    /** The change of record {@code seq} was applied or aborted (it settled: backups may apply it once enough hold it). */
    default void done(long seq) {
    }

    /**
     * Returns once the replication mode's promise holds for every record up to {@code seq} (sync
     * mode: enough backups hold them durably); called before a reply that promises stability.
     */
    void awaitReplicated(long seq) throws IOException;
}
