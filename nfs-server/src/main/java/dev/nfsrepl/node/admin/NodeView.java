package dev.nfsrepl.node.admin;

import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.journal.Journal;
import dev.nfsrepl.journal.JournalSource;

/** What the admin API asks of a node: its status and the tree of an export. */
public interface NodeView {

    /** A snapshot of the node (values read a moment apart, without stopping anything). */
    NodeStatus status();

    /**
     * The tree of the export clients mount at {@code exportPath} (null: the node's only export), read
     * as root; null when the node has no such export, or (a backup) no copy yet.
     */
    FileSystem tree(String exportPath);

    /**
     * The journal of the export clients mount at {@code exportPath} (null: the only export), for
     * queries: a primary's journal, a backup's receive journal; null when there is none.
     */
    JournalSource journal(String exportPath);

    /**
     * The export as the server itself changes it, journaled and replicated like a client's change
     * (restores write through it); null when the node may not change it (a backup's copy).
     */
    default FileSystem recorded(String exportPath) {
        return null;
    }

    /** The journal of the export as it is written (to make checkpoints of its tree); null on a backup. */
    default Journal liveJournal(String exportPath) {
        return null;
    }

    /**
     * In a cluster with failover: this node stands for election now ({@code force}: voters yield
     * the lease they promised the primary; for when the operator knows it is down). Throws
     * {@link IllegalStateException} outside a cluster.
     */
    default void promote(boolean force) {
        throw new IllegalStateException("this node is not a member of a cluster with failover (--member)");
    }

    /**
     * In a cluster with failover, on its primary: a planned switchover to {@code successor} (null: the
     * backup furthest ahead) that loses nothing; returns the successor. Throws
     * {@link IllegalStateException} when this node is not the primary of a cluster.
     */
    default String demote(String successor) throws java.io.IOException {
        throw new IllegalStateException("this node is not a member of a cluster with failover (--member)");
    }
}
