package dev.nfsrepl.replication.log;

import dev.nfsrepl.replication.record.OpCodec;
import java.nio.file.Path;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * What the log knows of one segment file: its header, how many bytes of it are valid records,
 * its last seq and time, and a sparse index. Guarded by the owning log's lock, except the
 * volatile fields that readers poll.
 */
final class Segment {

    /** A place to start reading: the record at {@code position} follows ({@code prevSeq}, {@code prevTimeMicros}). */
    record IndexEntry(long seq, long timeMicros, long position, long prevSeq, long prevTimeMicros) {
    }

    final Path file;
    final SegmentHeader header;
    final List<IndexEntry> index = new CopyOnWriteArrayList<>();
    volatile long end = SegmentHeader.SIZE;
    volatile long lastSeq;
    volatile long lastTimeMicros;
    /** A closed segment is never appended to again (rolled over, cut, or of an older epoch). */
    volatile boolean closed;
    private long indexedUpTo = Long.MIN_VALUE;

    Segment(Path file, SegmentHeader header) {
        this.file = file;
        this.header = header;
        this.lastSeq = header.firstSeq() - 1;
        this.lastTimeMicros = header.baseTimeMicros();
    }

    static String fileName(long firstSeq) {
        return String.format("%020d.seg", firstSeq);
    }

    boolean isEmpty() {
        return lastSeq < header.firstSeq();
    }

    /** Notes a record of this segment at {@code position} (records are noted in order). */
    void noted(long seq, long timeMicros, long position, long next, int interval) {
        if (indexedUpTo == Long.MIN_VALUE || position - indexedUpTo >= interval) {
            index.add(new IndexEntry(seq, timeMicros, position, lastSeq, lastTimeMicros));
            indexedUpTo = position;
        }
        lastSeq = seq;
        lastTimeMicros = timeMicros;
        end = next;
    }

    /** The last index entry at or before {@code seq} (or the segment start). */
    IndexEntry floorBySeq(long seq) {
        IndexEntry best = start();
        for (IndexEntry e : index) { // binary search is possible; index is small (one entry per 64 KiB)
            if (e.seq() > seq) {
                break;
            }
            best = e;
        }
        return best;
    }

    /** The last index entry whose record is before {@code timeMicros} (or the segment start). */
    IndexEntry floorByTime(long timeMicros) {
        IndexEntry best = start();
        for (IndexEntry e : index) {
            if (e.timeMicros() >= timeMicros) {
                break;
            }
            best = e;
        }
        return best;
    }

    private IndexEntry start() {
        return new IndexEntry(header.firstSeq(), header.baseTimeMicros(), SegmentHeader.SIZE, header.firstSeq() - 1,
                header.baseTimeMicros());
    }

    OpCodec.Decoder decoderAt(IndexEntry e) {
        return new OpCodec.Decoder(header.epoch(), e.prevSeq() + 1, e.prevTimeMicros());
    }

    long bytes() {
        return end;
    }

    @Override
    public String toString() {
        return file.getFileName() + " (#" + header.firstSeq() + "..#" + lastSeq + ", epoch " + header.epoch() + ")";
    }
}
