package dev.nfsrepl.replication.log;

import dev.nfsrepl.replication.io.Durable;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpCodec;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.RecordFrame;
import dev.nfsrepl.replication.record.Origin;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only log of {@link OpRecord}s in segment files: the journal of a primary, the spill
 * file of an unreachable backup, the receive journal of a backup.
 *
 * <p>Layout of the directory:
 * <pre>
 *   NNNNNNNNNNNNNNNNNNNN.seg      a segment, named by the seq of its first record (20 digits)
 *   NNNNNNNNNNNNNNNNNNNN.seg.cut  cut marker: the segment is valid only up to a byte (see below)
 *   damaged/                      segments that followed damage, moved out of the log, never deleted
 *
 *   segment := header record*          ; header: {@link SegmentHeader}; record: {@link SegmentReader}
 *   cut     := java.util.Properties with validBytes=N, reason=TEXT, cutAt=ISO-8601
 * </pre>
 * Records have strictly increasing seqs and non-decreasing times. A segment holds records of one
 * epoch only; a new epoch starts a new segment, as does reaching {@link LogConfig#segmentBytes()}.
 *
 * <p>Recovery on open reads every segment, checks every frame's CRC32C and decodes it. At the
 * first damage (a torn tail after a crash, a bad checksum, garbage) the log ends: the damaged
 * segment keeps its bytes and gets a cut marker, later segments are moved to {@code damaged/},
 * and the cut is reported ({@link #recovery()}) and logged. No segment is ever edited in place
 * (the one exception: bytes of a frame whose own write just failed are truncated away at once).
 * Appends then continue in a new segment.
 *
 * <p>Durability: {@link #append} writes to the page cache; {@link #sync} returns once everything
 * up to a seq is on stable storage. Concurrent callers of {@code sync} share one fsync (group
 * commit). After a failed fsync the log refuses further appends (the page cache state is then
 * unknown) until it is reopened, which recovers from what is on disk.
 *
 * <p>Thread-safe. Appends are serialized; readers ({@link LogCursor}) run concurrently with them.
 */
public final class SegmentLog implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentLog.class);
    static final int FORMAT_VERSION = OpCodec.FORMAT_VERSION;
    private static final String DAMAGED = "damaged";

    private final Path dir;
    private final LogKind kind;
    private final LogConfig config;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition syncDone = lock.newCondition();
    final List<Segment> segments = new CopyOnWriteArrayList<>(); // oldest first
    private final Bytes<?> scratch = Bytes.allocateElasticOnHeap(1024); // used under lock, by any appender
    private Segment active;
    private FileChannel activeChannel;
    private OpCodec.Encoder encoder;
    private long durableSeq;
    private long fsyncs;
    private boolean syncing;
    private String broken;
    private boolean closed;
    private RecoveryReport recovery;
    private final boolean readOnly;

    private SegmentLog(Path dir, LogKind kind, LogConfig config, Clock clock, boolean readOnly) {
        this.dir = dir;
        this.kind = kind;
        this.config = config;
        this.clock = clock;
        this.readOnly = readOnly;
        scratch.singleThreadedCheckDisabled(true);
    }

    /** Opens (creating if needed) the log in {@code dir} and recovers it. */
    public static SegmentLog open(Path dir, LogKind kind, LogConfig config, Clock clock) throws IOException {
        SegmentLog log = new SegmentLog(dir, kind, config, clock, false);
        log.recover();
        return log;
    }

    /**
     * Opens the log for reading only (tools): it is checked as on {@link #open}, and damage is
     * reported and ends the readable log, but nothing is written: no cut marker, nothing moved.
     */
    public static SegmentLog openReadOnly(Path dir, LogKind kind) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, "no log directory");
        }
        SegmentLog log = new SegmentLog(dir, kind, LogConfig.DEFAULTS, Clock.systemUTC(), true);
        log.recover();
        log.closed = true; // refuses appends
        return log;
    }

    public Path dir() {
        return dir;
    }

    public RecoveryReport recovery() {
        return recovery;
    }

    /** The seq of the oldest record still in the log, or {@code lastSeq() + 1} when it holds none. */
    public long firstSeq() {
        for (Segment s : segments) {
            if (!s.isEmpty()) {
                return s.header.firstSeq();
            }
        }
        return lastSeq() + 1;
    }

    /** The seq of the newest record (0 for a log that never held one). */
    public long lastSeq() {
        return segments.isEmpty() ? 0 : segments.get(segments.size() - 1).lastSeq;
    }

    /** As {@link #lastSeq}, once an append in progress is written (what a barrier after closing a gate reads). */
    public long lastSeqAfterAppends() {
        lock.lock();
        try {
            return lastSeq();
        } finally {
            lock.unlock();
        }
    }

    public long lastTimeMicros() {
        return segments.isEmpty() ? 0 : segments.get(segments.size() - 1).lastTimeMicros;
    }

    /** Every record up to this seq is on stable storage. */
    public long durableSeq() {
        lock.lock();
        try {
            return durableSeq;
        } finally {
            lock.unlock();
        }
    }

    /** Total bytes of the segments in the log. */
    public long bytes() {
        return segments.stream().mapToLong(Segment::bytes).sum();
    }

    /** fsyncs made by {@link #sync} since open (shared among concurrent callers). */
    public long fsyncs() {
        lock.lock();
        try {
            return fsyncs;
        } finally {
            lock.unlock();
        }
    }

    public int segmentCount() {
        return segments.size();
    }

    /**
     * The seq of the first record of each segment that holds records, oldest first: every record
     * before one of these seqs is in an earlier segment, which is never appended to again.
     */
    public List<Long> segmentStarts() {
        List<Long> starts = new ArrayList<>();
        for (Segment s : segmentsSnapshot()) {
            if (!s.isEmpty()) {
                starts.add(s.header.firstSeq());
            }
        }
        return starts;
    }

    /**
     * Appends a new record with the next seq and the current time (never before the last record's)
     * and returns it. Not yet durable: see {@link #sync}.
     *
     * @throws IOException when it cannot be written (the log is then as before: nothing half-written stays)
     */
    public OpRecord append(int epoch, Origin origin, Op op) throws IOException {
        return append(epoch, origin, (seq, time) -> op);
    }

    /** Builds the op of a new record once its seq and time are known (under the log's lock: keep it quick). */
    public interface OpAt {
        Op at(long seq, long timeMicros);
    }

    /**
     * As {@link #append(int, Origin, Op)}, with the op made for the record's seq and time, so that
     * the times it carries (an object's mtime, say) can be exactly the record's own.
     */
    public OpRecord append(int epoch, Origin origin, OpAt opAt) throws IOException {
        lock.lock();
        try {
            checkUsable();
            long now = ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant());
            ensureSegment(epoch, lastSeq() + 1, Math.max(now, lastTimeMicros()));
            // from here to the write the lock is never released: the seq given is the one written
            long seq = lastSeq() + 1;
            long time = Math.max(now, lastTimeMicros());
            OpRecord r = new OpRecord(seq, epoch, time, origin, opAt.at(seq, time));
            write(r);
            return r;
        } finally {
            lock.unlock();
        }
    }

    /** Appends a record made elsewhere (a primary's record in a spill file or receive journal). */
    public void appendRecord(OpRecord r) throws IOException {
        lock.lock();
        try {
            checkUsable();
            ensureSegment(r.epoch(), Math.max(r.seq(), lastSeq() + 1), r.timeMicros());
            if (r.seq() <= lastSeq() || r.timeMicros() < lastTimeMicros()) {
                throw new IllegalArgumentException(dir + ": record #" + r.seq() + " (time " + r.timeMicros()
                        + ") does not follow #" + lastSeq() + " (time " + lastTimeMicros() + ")");
            }
            write(r);
        } finally {
            lock.unlock();
        }
    }

    /** Returns once every record up to {@code seq} is on stable storage; shares fsyncs with concurrent callers. */
    public void sync(long seq) throws IOException {
        lock.lock();
        try {
            if (seq > lastSeq()) {
                throw new IllegalArgumentException(dir + ": cannot sync #" + seq + ", the log ends at #" + lastSeq());
            }
            while (durableSeq < seq) {
                checkUsable();
                if (syncing) {
                    syncDone.awaitUninterruptibly();
                    continue;
                }
                syncing = true;
                long target = lastSeq();
                FileChannel ch = activeChannel;
                lock.unlock();
                IOException failure = null;
                try {
                    if (ch != null) {
                        ch.force(false);
                    }
                } catch (IOException e) {
                    failure = e;
                } finally {
                    lock.lock();
                    fsyncs++;
                    syncing = false;
                    syncDone.signalAll();
                }
                if (failure != null) {
                    broken = "fsync of " + active.file + " failed: " + failure;
                    throw new IOException(dir + ": " + broken, failure);
                }
                durableSeq = Math.max(durableSeq, target);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Reads records from {@code seq} on (from the oldest one kept when {@code seq} is older). */
    public LogCursor readFromSeq(long seq) {
        return new LogCursor(this, seq, Long.MIN_VALUE);
    }

    /** Reads records whose time is at or after {@code timeMicros}. */
    public LogCursor readFromTime(long timeMicros) {
        return new LogCursor(this, 0, timeMicros);
    }

    /**
     * Reads records whose seq is at least {@code seq} and whose time is at or after
     * {@code timeMicros}, starting at the nearest index entry (segments before either are not read).
     */
    public LogCursor readFrom(long seq, long timeMicros) {
        return new LogCursor(this, seq, timeMicros);
    }

    /**
     * Deletes the oldest closed segments while the log is over its size or a segment's newest
     * record is over its age, but never one holding a record at or after {@code keepFromSeq}
     * (records a backup or a checkpoint still needs) and never the newest segment.
     *
     * @return the deleted segment files
     */
    public List<Path> applyRetention(long keepFromSeq) throws IOException {
        lock.lock();
        try {
            long oldest = ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant().minus(config.retentionAge()));
            long total = bytes();
            List<Path> deleted = new ArrayList<>();
            while (segments.size() > 1) {
                Segment s = segments.get(0);
                boolean tooBig = total > config.retentionBytes();
                boolean tooOld = s.lastTimeMicros < oldest;
                if (s == active || s.lastSeq >= keepFromSeq || !(tooBig || tooOld)) {
                    break;
                }
                segments.remove(0);
                Files.deleteIfExists(cutMarker(s.file));
                Files.delete(s.file);
                total -= s.bytes();
                deleted.add(s.file);
                LOG.info("{}: retention deleted {} ({} bytes, {})", dir, s, s.bytes(), tooBig ? "over size" : "over age");
            }
            if (!deleted.isEmpty()) {
                Durable.syncDirectory(dir);
            }
            return deleted;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeActive();
        } finally {
            lock.unlock();
        }
    }

    // ---- writing

    /** Writes {@code r} into the active segment, which {@link #ensureSegment} made ready for it. */
    private void write(OpRecord r) throws IOException {
        Segment s = active;
        scratch.clear();
        ByteBuffer bulk = encoder.encode(r, scratch);
        long bodyLen = scratch.writePosition() + bulk.remaining();
        if (bodyLen > SegmentReader.MAX_BODY) {
            resetEncoder(s);
            throw new IllegalArgumentException(dir + ": record #" + r.seq() + " of " + bodyLen + " bytes is too large");
        }
        ByteBuffer head = ByteBuffer.allocate(5 + (int) scratch.writePosition());
        RecordFrame.putVarint(head, bodyLen);
        byte[] prefix = scratch.toByteArray();
        head.put(prefix).flip();
        CRC32C crc = new CRC32C();
        crc.update(prefix);
        crc.update(bulk.duplicate());
        ByteBuffer tail = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).flip();
        long at = s.end;
        long frame = head.remaining() + bulk.remaining() + 4L;
        try {
            ByteBuffer[] parts = {head, bulk, tail};
            long left = frame;
            while (left > 0) {
                left -= activeChannel.write(parts);
            }
        } catch (IOException e) {
            undoPartialWrite(s, at, e);
            throw new IOException(s.file + ": cannot append record #" + r.seq() + ": " + e.getMessage(), e);
        }
        s.noted(r.seq(), r.timeMicros(), at, at + frame, config.indexIntervalBytes());
    }

    private void undoPartialWrite(Segment s, long at, IOException cause) {
        resetEncoder(s);
        try {
            activeChannel.truncate(at);
            activeChannel.position(at);
        } catch (IOException e) {
            broken = "cannot remove a partly written record from " + s.file + " (" + cause + "): " + e;
            LOG.error("{}: {}", dir, broken);
        }
    }

    private void resetEncoder(Segment s) {
        encoder = new OpCodec.Encoder(s.header.epoch(), s.lastSeq + 1, s.lastTimeMicros);
    }

    /**
     * Makes the active segment one that the next record (of {@code epoch}, seq
     * {@code firstSeqIfNew} or later, at {@code timeMicros} or later) can go into, starting a new one on an epoch change, at the size limit, or
     * when there is none. Called before the record gets its seq: waiting for an fsync in flight
     * releases the lock, and another appender may then take the next seq first.
     */
    private void ensureSegment(int epoch, long firstSeqIfNew, long timeMicros) throws IOException {
        while (active == null || active.closed || active.header.epoch() != epoch
                || active.end >= config.segmentBytes()) {
            if (syncing) {
                syncDone.awaitUninterruptibly(); // the fsync in flight uses the active channel
                checkUsable();
                continue;
            }
            closeActive();
            long firstSeq = Math.max(firstSeqIfNew, lastSeq() + 1);
            SegmentHeader h = new SegmentHeader(FORMAT_VERSION, kind, epoch, firstSeq, timeMicros);
            Path f = dir.resolve(Segment.fileName(firstSeq));
            FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
            try {
                ByteBuffer hb = h.encode();
                while (hb.hasRemaining()) {
                    ch.write(hb);
                }
                ch.force(true);
                Durable.syncDirectory(dir);
            } catch (IOException e) {
                ch.close();
                Files.deleteIfExists(f);
                throw new IOException(f + ": cannot start a segment: " + e.getMessage(), e);
            }
            Segment s = new Segment(f, h);
            segments.add(s);
            active = s;
            activeChannel = ch;
            encoder = new OpCodec.Encoder(h.epoch(), h.firstSeq(), h.baseTimeMicros());
        }
    }

    /** Makes the active segment durable and closes it (waiting for an fsync in flight). */
    private void closeActive() throws IOException {
        while (syncing) {
            syncDone.awaitUninterruptibly();
        }
        if (activeChannel != null) {
            try {
                if (broken == null) {
                    activeChannel.force(false);
                    durableSeq = Math.max(durableSeq, active.lastSeq);
                }
            } finally {
                activeChannel.close();
                activeChannel = null;
                active.closed = true;
                active = null;
            }
        }
    }

    private void checkUsable() throws IOException {
        if (closed) {
            throw new IOException(dir + ": log is closed");
        }
        if (broken != null) {
            throw new IOException(dir + ": log refuses appends until reopened: " + broken);
        }
    }

    // ---- recovery

    private void recover() throws IOException {
        if (!readOnly) {
            Files.createDirectories(dir);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("\\d{20}\\.seg")).sorted().toList();
        }
        List<RecoveryReport.Cut> cuts = new ArrayList<>();
        long records = 0;
        long prevLast = 0;
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            long nameSeq = Long.parseLong(f.getFileName().toString().substring(0, 20));
            Long validBytes = readCutMarker(f);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                long size = ch.size();
                SegmentHeader h;
                try {
                    ByteBuffer hb = ByteBuffer.allocate(SegmentHeader.SIZE);
                    while (hb.hasRemaining() && ch.read(hb, hb.position()) > 0) {
                        // read the header
                    }
                    h = SegmentHeader.decode(hb.flip());
                    checkHeader(h, nameSeq, prevLast);
                } catch (IllegalArgumentException e) {
                    List<Path> moved = moveAside(files.subList(i, files.size()));
                    cuts.add(new RecoveryReport.Cut(f, 0, size, prevLast, "bad segment header: " + e.getMessage(), moved));
                    break;
                }
                Segment seg = new Segment(f, h);
                long limit = validBytes == null ? size : Math.min(validBytes, size);
                SegmentReader reader = new SegmentReader(ch, SegmentHeader.SIZE, limit,
                        new OpCodec.Decoder(h.epoch(), h.firstSeq(), h.baseTimeMicros()));
                try {
                    for (SegmentReader.Framed fr; (fr = reader.next()) != null; ) {
                        seg.noted(fr.record().seq(), fr.record().timeMicros(), fr.position(), fr.next(),
                                config.indexIntervalBytes());
                        records++;
                    }
                } catch (SegmentReader.DamageException d) {
                    List<Path> moved;
                    if (seg.isEmpty()) { // nothing of it is kept: move it aside with the rest
                        moved = moveAside(files.subList(i, files.size()));
                    } else {
                        writeCutMarker(f, d.position, d.getMessage());
                        seg.closed = true;
                        segments.add(seg);
                        moved = moveAside(files.subList(i + 1, files.size()));
                    }
                    cuts.add(new RecoveryReport.Cut(f, d.position, size - d.position, seg.lastSeq, d.getMessage(), moved));
                    break;
                }
                seg.closed = validBytes != null;
                segments.add(seg);
                prevLast = seg.lastSeq;
            }
        }
        for (int i = 0; i < segments.size() - 1; i++) {
            segments.get(i).closed = true;
        }
        if (!segments.isEmpty()) {
            Segment last = segments.get(segments.size() - 1);
            if (!last.closed && !readOnly) {
                active = last;
                activeChannel = FileChannel.open(last.file, StandardOpenOption.WRITE, StandardOpenOption.READ);
                activeChannel.position(last.end);
                encoder = new OpCodec.Encoder(last.header.epoch(), last.lastSeq + 1, last.lastTimeMicros);
            }
        }
        durableSeq = lastSeq();
        recovery = new RecoveryReport(dir, records, firstSeq(), lastSeq(), List.copyOf(cuts));
        for (RecoveryReport.Cut c : cuts) {
            LOG.warn("{}: {}", dir, c);
        }
        LOG.info("{}: opened {} log, {} segments, {} records (#{}..#{}){}", dir, kind.name().toLowerCase(),
                segments.size(), records, recovery.firstSeq(), recovery.lastSeq(),
                cuts.isEmpty() ? "" : ", " + cuts.size() + " cut(s)");
    }

    private void checkHeader(SegmentHeader h, long nameSeq, long prevLast) {
        if (h.version() != FORMAT_VERSION) {
            throw new IllegalArgumentException("format version " + h.version() + ", this build reads " + FORMAT_VERSION);
        }
        if (!h.kind().sameHistory(kind)) {
            throw new IllegalArgumentException("a " + h.kind() + " segment in a " + kind + " log");
        }
        if (h.firstSeq() != nameSeq) {
            throw new IllegalArgumentException("header says first seq " + h.firstSeq() + ", name says " + nameSeq);
        }
        if (prevLast > 0 && h.firstSeq() != prevLast + 1) {
            // seqs are consecutive across segments; only retention removes records, and only from the front
            throw new IllegalArgumentException("first seq " + h.firstSeq() + " does not follow the previous segment's last #"
                    + prevLast + " (records lost between them)");
        }
    }

    private List<Path> moveAside(List<Path> files) throws IOException {
        List<Path> moved = new ArrayList<>();
        if (files.isEmpty() || readOnly) {
            return moved;
        }
        Path damaged = Files.createDirectories(dir.resolve(DAMAGED));
        for (Path f : files) {
            Path to = damaged.resolve(f.getFileName());
            for (int n = 1; Files.exists(to); n++) {
                to = damaged.resolve(f.getFileName() + "." + n);
            }
            Files.move(f, to, StandardCopyOption.ATOMIC_MOVE);
            Path marker = cutMarker(f);
            if (Files.exists(marker)) {
                Files.move(marker, damaged.resolve(to.getFileName() + ".cut"), StandardCopyOption.ATOMIC_MOVE);
            }
            moved.add(to);
        }
        Durable.syncDirectory(damaged);
        Durable.syncDirectory(dir);
        return moved;
    }

    static Path cutMarker(Path segment) {
        return segment.resolveSibling(segment.getFileName() + ".cut");
    }

    private static Long readCutMarker(Path segment) throws IOException {
        Path m = cutMarker(segment);
        if (!Files.exists(m)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(m, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        try {
            return Long.parseLong(p.getProperty("validBytes", "").trim());
        } catch (NumberFormatException e) {
            throw new IOException(m + ": cut marker without a valid validBytes=", e);
        }
    }

    private void writeCutMarker(Path segment, long validBytes, String reason) throws IOException {
        if (readOnly) {
            return;
        }
        Properties p = new Properties();
        p.setProperty("validBytes", Long.toString(validBytes));
        p.setProperty("reason", reason);
        p.setProperty("cutAt", clock.instant().toString());
        StringWriter w = new StringWriter();
        p.store(w, "segment " + segment.getFileName() + " ends at byte " + validBytes + "; the rest is damage");
        Durable.replace(cutMarker(segment), w.toString().getBytes(StandardCharsets.UTF_8));
    }

    // ---- for LogCursor

    List<Segment> segmentsSnapshot() {
        return List.copyOf(segments);
    }
}
