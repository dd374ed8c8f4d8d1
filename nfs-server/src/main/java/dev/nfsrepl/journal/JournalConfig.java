package dev.nfsrepl.journal;

import dev.nfsrepl.replication.log.LogConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how exports are journaled.
 *
 * @param dir                 one subdirectory per export ({@code export-<hash of its directory>}), each
 *                            holding {@code log/} (the segments) and {@code applied}
 * @param log                 segment size and retention (defaults: 64 MiB segments, 8 GiB, 7 days)
 * @param checkpointInterval  how often the tree is flushed and the applied point advanced (default 5 s):
 *                            the most that recovery after an unclean stop applies again
 * @param treeCheckpointInterval how often a copy of the tree is made for restores ({@link Checkpoints};
 *                            default 24 h; zero: only when asked for)
 */
public record JournalConfig(Path dir, LogConfig log, Duration checkpointInterval, Duration treeCheckpointInterval) {

    public static final Duration DEFAULT_CHECKPOINT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TREE_CHECKPOINT = Duration.ofHours(24);

    public static JournalConfig in(Path dir) {
        return new JournalConfig(dir, LogConfig.DEFAULTS, DEFAULT_CHECKPOINT, DEFAULT_TREE_CHECKPOINT);
    }
}
