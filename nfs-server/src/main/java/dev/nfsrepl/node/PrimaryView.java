package dev.nfsrepl.node;

import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.journal.Journal;
import dev.nfsrepl.journal.JournalSource;
import dev.nfsrepl.nfs.ExportedFs;
import dev.nfsrepl.node.admin.NodeStatus;
import dev.nfsrepl.node.admin.NodeView;
import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.record.OpRecord;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A primary (or a node without backups) as the admin API sees it: its exports, journals and backups. */
final class PrimaryView implements NodeView {

    private final String name;
    private final NfsServer server;
    private final List<PrimaryReplication> replications;

    PrimaryView(String name, NfsServer server, List<PrimaryReplication> replications) {
        this.name = name;
        this.server = server;
        this.replications = replications;
    }

    @Override
    public NodeStatus status() {
        List<NodeStatus.Export> exports = new ArrayList<>();
        for (ExportedFs e : server.exports()) {
            LocalFileSystem tree = server.tree(e.export().localDir());
            Journal j = server.journal(e.export().localDir());
            long last = j == null ? 0 : j.log().lastSeq();
            List<NodeStatus.Backup> backups = new ArrayList<>();
            for (PrimaryReplication r : replications) {
                if (r.journal() == j) {
                    r.group().status().forEach(s -> backups.add(NodeStatus.Backup.of(s, last, lagSeconds(j, s.acked()))));
                }
            }
            exports.add(new NodeStatus.Export(e.export().pseudoPath(), e.export().localDir().toString(),
                    tree == null ? 0 : tree.epoch(), last, j == null ? 0 : j.appliedPoint(),
                    j == null ? 0 : j.log().bytes(), j == null ? Map.of() : j.recordsByType(),
                    j == null ? 0 : j.bytesWritten(), backups, null));
        }
        NodeStatus.Export first = exports.isEmpty() ? null : exports.get(0);
        return new NodeStatus(name, "primary", first == null ? 0 : first.epoch(), first == null ? 0 : first.lastSeq(),
                exports);
    }

    /** How old the oldest record after {@code acked} is, in seconds (0 when there is none). */
    private static double lagSeconds(Journal j, long acked) {
        if (acked >= j.log().lastSeq()) {
            return 0;
        }
        try (LogCursor c = j.log().readFromSeq(acked + 1)) {
            OpRecord r = c.next();
            return r == null ? 0 : Math.max(0, ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now())
                    - r.timeMicros()) / 1e6;
        } catch (IOException e) {
            return Double.NaN; // retention deleted it meanwhile, or it cannot be read: unknown
        }
    }

    @Override
    public FileSystem tree(String exportPath) {
        ExportedFs e = export(exportPath);
        return e == null ? null : server.tree(e.export().localDir());
    }

    @Override
    public JournalSource journal(String exportPath) {
        ExportedFs e = export(exportPath);
        Journal j = e == null ? null : server.journal(e.export().localDir());
        return j == null ? null : j.source();
    }

    @Override
    public Journal liveJournal(String exportPath) {
        ExportedFs e = export(exportPath);
        return e == null ? null : server.journal(e.export().localDir());
    }

    @Override
    public FileSystem recorded(String exportPath) {
        ExportedFs e = export(exportPath);
        return e == null ? null : server.recorded(e.export().localDir());
    }

    /** The export clients mount at {@code exportPath}, or the only one (null), or null. */
    private ExportedFs export(String exportPath) {
        List<ExportedFs> all = new ArrayList<>();
        server.exports().forEach(all::add);
        for (ExportedFs e : all) {
            if (exportPath == null ? all.size() == 1 : e.export().pseudoPath().equals(exportPath)) {
                return e;
            }
        }
        return null;
    }
}
