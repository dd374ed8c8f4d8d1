package dev.nfsrepl.replication.log;

import dev.nfsrepl.replication.record.OpRecord;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Reads a {@link SegmentLog} forward from a seq or a time, across segments, while the log is
 * being appended to: {@link #next()} returns null when it has caught up, and can be called again
 * later for what was appended since. Not thread-safe; close it to release its file.
 */
public final class LogCursor implements Closeable {

    private final SegmentLog log;
    private long wantSeq;
    private final long wantTime;
    private Segment segment;
    private FileChannel channel;
    private SegmentReader reader;
    private long lastSeq = -1;

    LogCursor(SegmentLog log, long fromSeq, long fromTimeMicros) {
        this.log = log;
        this.wantSeq = fromSeq;
        this.wantTime = fromTimeMicros;
    }

    /** The next record, or null when there is none yet. */
    public OpRecord next() throws IOException {
        while (true) {
            if (reader == null && !openNext()) {
                return null;
            }
            SegmentReader.Framed f;
            try {
                f = reader.next();
            } catch (SegmentReader.DamageException d) {
                throw new LogCorruptException(segment.file, d.position, d.getMessage());
            }
            if (f == null) {
                long end = segment.end;
                if (end > reader.position()) {
                    reader = new SegmentReader(channel, reader.position(), end,
                            segment.decoderAt(new Segment.IndexEntry(0, 0, 0, reader.lastSeq(), reader.lastTimeMicros())));
                    continue;
                }
                if (!segment.closed || isLastSegment()) {
                    return null;
                }
                wantSeq = Math.max(wantSeq, segment.lastSeq + 1);
                closeSegment();
                continue;
            }
            OpRecord r = f.record();
            if (r.seq() < wantSeq || r.timeMicros() < wantTime) {
                continue;
            }
            lastSeq = r.seq();
            wantSeq = r.seq() + 1;
            return r;
        }
    }

    /** The seq of the last record returned, or -1. */
    public long lastSeq() {
        return lastSeq;
    }

    private boolean isLastSegment() {
        List<Segment> all = log.segmentsSnapshot();
        return all.isEmpty() || all.get(all.size() - 1) == segment;
    }

    /** Opens the segment holding the next wanted record; false when there is none. */
    private boolean openNext() throws IOException {
        for (Segment s : log.segmentsSnapshot()) {
            if (s.lastSeq < wantSeq || s.lastTimeMicros < wantTime || s.isEmpty()) {
                continue;
            }
            Segment.IndexEntry from = wantTime == Long.MIN_VALUE ? s.floorBySeq(wantSeq) : s.floorByTime(wantTime);
            if (wantTime != Long.MIN_VALUE) {
                Segment.IndexEntry bySeq = s.floorBySeq(wantSeq);
                from = bySeq.position() > from.position() ? bySeq : from;
            }
            try {
                channel = FileChannel.open(s.file, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                continue; // deleted by retention since the snapshot: its records are gone
            }
            segment = s;
            reader = new SegmentReader(channel, from.position(), s.end, s.decoderAt(from));
            return true;
        }
        return false;
    }

    private void closeSegment() throws IOException {
        reader = null;
        segment = null;
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    @Override
    public void close() throws IOException {
        closeSegment();
    }
}
