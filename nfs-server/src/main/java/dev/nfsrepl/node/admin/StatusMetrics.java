package dev.nfsrepl.node.admin;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The node's gauges, read from its {@link NodeStatus} at each scrape (so exports and backups that
 * come and go are followed). Prometheus names:
 * <pre>
 *   nfsrepl_journal_last_seq{export}            newest record (a backup: newest received)
 *   nfsrepl_journal_applied_seq{export}         applied point
 *   nfsrepl_journal_bytes{export}               size of the journal's segments
 *   nfsrepl_backup_acked_seq{export,backup}     what a backup holds durably (primary)
 *   nfsrepl_backup_applied_seq{export,backup}   what it has applied
 *   nfsrepl_backup_lag_records{export,backup}   newest record − acked
 *   nfsrepl_backup_lag_seconds{export,backup}   age of the oldest record it does not hold
 *   nfsrepl_backup_spill_bytes{export,backup}   its spill file
 *   nfsrepl_journal_records_total{export,type}  records appended since start, by type (counter)
 *   nfsrepl_journal_written_bytes_total{export} bytes of WRITE records since start (counter)
 *   nfsrepl_backup_streaming{export,backup}     1 while the link streams
 *   nfsrepl_backup_diverged{export,backup}      1 when the backup reports DIVERGED
 *   nfsrepl_backup_needs_resync{export,backup}  1 when only a full resync can bring it back
 *   nfsrepl_replica_commit_seq{export}          how far a backup may apply (backup)
 *   nfsrepl_replica_diverged{export}            1 when this backup's applying stopped
 * </pre>
 */
final class StatusMetrics {

    private final NodeView node;
    private final MeterRegistry registry;
    private final Map<String, Long> counts = new ConcurrentHashMap<>();
    private final List<Family<NodeStatus.Export>> exports = new ArrayList<>();
    private final List<Family<Row>> backups = new ArrayList<>();

    private record Row(NodeStatus.Export export, NodeStatus.Backup backup) {
    }

    private record Family<T>(MultiGauge gauge, ToDoubleFunction<T> value) {
    }

    StatusMetrics(NodeView node, MeterRegistry registry) {
        this.node = node;
        this.registry = registry;
        exports.add(family(registry, "nfsrepl.journal.last.seq", "newest record of the journal", e -> e.lastSeq()));
        exports.add(family(registry, "nfsrepl.journal.applied.seq", "applied point", e -> e.appliedSeq()));
        exports.add(family(registry, "nfsrepl.journal.bytes", "size of the journal", e -> e.journalBytes()));
        exports.add(family(registry, "nfsrepl.replica.commit.seq", "how far this backup may apply",
                e -> e.replica() == null ? Double.NaN : e.replica().commitPoint()));
        exports.add(family(registry, "nfsrepl.replica.diverged", "1 when this backup stopped applying",
                e -> e.replica() == null ? Double.NaN : e.replica().diverged() != null ? 1 : 0));
        backups.add(family(registry, "nfsrepl.backup.acked.seq", "what the backup holds durably",
                r -> r.backup().acked()));
        backups.add(family(registry, "nfsrepl.backup.applied.seq", "what the backup has applied",
                r -> r.backup().applied()));
        backups.add(family(registry, "nfsrepl.backup.lag.records", "records the backup does not hold yet",
                r -> r.backup().lagRecords()));
        backups.add(family(registry, "nfsrepl.backup.lag.seconds", "age of the oldest record the backup does not hold",
                r -> r.backup().lagSeconds()));
        backups.add(family(registry, "nfsrepl.backup.spill.bytes", "size of the backup's spill file",
                r -> r.backup().spillBytes()));
        backups.add(family(registry, "nfsrepl.backup.streaming", "1 while records stream to the backup",
                r -> "STREAMING".equals(r.backup().state()) ? 1 : 0));
        backups.add(family(registry, "nfsrepl.backup.diverged", "1 when the backup reports DIVERGED",
                r -> r.backup().diverged() ? 1 : 0));
        backups.add(family(registry, "nfsrepl.backup.needs.resync", "1 when only a full resync can catch up",
                r -> r.backup().needsResync() ? 1 : 0));
    }

    private static <T> Family<T> family(MeterRegistry registry, String name, String help, ToDoubleFunction<T> value) {
        return new Family<>(MultiGauge.builder(name).description(help).register(registry), value);
    }

    /** Reads the node's status and sets every gauge from it (and registers the counters of new exports and types). */
    void refresh() {
        NodeStatus s = node.status();
        for (NodeStatus.Export e : s.exports()) {
            if (e.recordsByType() != null) {
                e.recordsByType().forEach((type, n) -> {
                    String key = e.path() + " " + type;
                    counts.put(key, n);
                    FunctionCounter.builder("nfsrepl.journal.records", counts, c -> c.getOrDefault(key, 0L))
                            .description("records appended to the journal since the node started, by type")
                            .tags("export", e.path(), "type", type).register(registry);
                });
            }
            counts.put(e.path() + " bytes", e.bytesWritten());
            String key = e.path() + " bytes";
            FunctionCounter.builder("nfsrepl.journal.written.bytes", counts, c -> c.getOrDefault(key, 0L))
                    .description("bytes of WRITE records since the node started").tags("export", e.path())
                    .baseUnit("bytes").register(registry);
        }
        List<Row> rows = new ArrayList<>();
        for (NodeStatus.Export e : s.exports()) {
            for (NodeStatus.Backup b : e.backups() == null ? List.<NodeStatus.Backup>of() : e.backups()) {
                rows.add(new Row(e, b));
            }
        }
        for (Family<NodeStatus.Export> f : exports) {
            f.gauge().register(s.exports().stream().filter(e -> !Double.isNaN(f.value().applyAsDouble(e)))
                    .map(e -> MultiGauge.Row.of(Tags.of("export", e.path()), f.value().applyAsDouble(e)))
                    .toList(), true);
        }
        for (Family<Row> f : backups) {
            f.gauge().register(rows.stream().map(r -> MultiGauge.Row.of(Tags.of("export", r.export().path(),
                    "backup", r.backup().name()), f.value().applyAsDouble(r))).toList(), true);
        }
    }
}
