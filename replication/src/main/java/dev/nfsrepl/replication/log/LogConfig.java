package dev.nfsrepl.replication.log;

import java.time.Duration;

/**
 * Settings of a segment log.
 *
 * @param segmentBytes        a segment is closed and a new one started once it reaches this size
 *                            (default 64 MiB)
 * @param retentionBytes      oldest closed segments are deleted while the log is larger (default 8 GiB)
 * @param retentionAge        closed segments whose newest record is older are deleted (default 7 days)
 * @param indexIntervalBytes  one sparse index entry per this many bytes of records (default 64 KiB)
 */
public record LogConfig(long segmentBytes, long retentionBytes, Duration retentionAge, int indexIntervalBytes) {

    public static final LogConfig DEFAULTS = new LogConfig(64L << 20, 8L << 30, Duration.ofDays(7), 64 << 10);

    public LogConfig {
        if (segmentBytes < 4096 || retentionBytes < segmentBytes || retentionAge.isNegative()
                || indexIntervalBytes < 1) {
            throw new IllegalArgumentException("bad log settings: segmentBytes=" + segmentBytes + " retentionBytes="
                    + retentionBytes + " retentionAge=" + retentionAge + " indexIntervalBytes=" + indexIntervalBytes);
        }
    }

    public LogConfig withSegmentBytes(long bytes) {
        return new LogConfig(bytes, Math.max(bytes, retentionBytes), retentionAge, indexIntervalBytes);
    }

    public LogConfig withRetention(long bytes, Duration age) {
        return new LogConfig(segmentBytes, bytes, age, indexIntervalBytes);
    }
}
