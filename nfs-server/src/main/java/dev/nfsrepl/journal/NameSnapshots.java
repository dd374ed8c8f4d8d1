package dev.nfsrepl.journal;

import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.OpRecord;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names a journal's records gave objects ({@link RecordPaths}), saved as of the start of each
 * segment, so that the path of a record far into a long journal is known by reading from the
 * nearest snapshot before it rather than from the journal's first record. A query for one hour
 * reads at most one segment before the hour.
 *
 * <p>Files in the journal's {@code names/} directory, one per segment start:
 * <pre>
 *   NNNNNNNNNNNNNNNNNNNN.names   the names known before record N (20 digits)
 *
 *   file  := magic:"NRNAMES1" beforeSeq:i64 rootId:i64 count:i32 entry*count crc:i32
 *   entry := id:i64 parent:i64 nameLength:u16 name:UTF-8
 *   (big-endian; crc is the CRC32C of every byte before it)
 * </pre>
 * A snapshot is written to a temporary file, synced and renamed into place, so it is whole or
 * absent. A damaged one is reported and ignored (the reader starts from an earlier one). Snapshots
 * of records retention deleted are deleted too, keeping the newest one at or before the log's
 * first record.
 *
 * <p>{@link #update} is called from one thread at a time; {@link #before} from any.
 */
public final class NameSnapshots {

    private static final Logger LOG = LoggerFactory.getLogger(NameSnapshots.class);
    private static final byte[] MAGIC = "NRNAMES1".getBytes(StandardCharsets.US_ASCII);
    private static final String SUFFIX = ".names";

    /** Names as of just before record {@code beforeSeq}. */
    public record Names(long beforeSeq, RecordPaths paths) {
    }

    private final Path dir;
    private final long rootId;

    public NameSnapshots(Path dir, long rootId) {
        this.dir = dir;
        this.rootId = rootId;
    }

    /** The snapshots of the journal in {@code exportJournal} (its {@code names/} directory). */
    public static NameSnapshots of(Path exportJournal, long rootId) {
        return new NameSnapshots(exportJournal.resolve("names"), rootId);
    }

    /**
     * Writes the snapshots missing for the starts of {@code log}'s segments, reading each segment
     * once, and deletes those retention made useless.
     *
     * @return the number of snapshots written
     */
    public int update(SegmentLog log) throws IOException {
        List<Long> starts = log.segmentStarts();
        TreeSet<Long> have = existing();
        TreeSet<Long> wanted = new TreeSet<>();
        for (long s : starts) {
            if (s > log.firstSeq() && !have.contains(s)) {
                wanted.add(s);
            }
        }
        int written = 0;
        if (!wanted.isEmpty()) {
            Names from = before(wanted.first(), log.firstSeq());
            RecordPaths paths = from.paths();
            try (LogCursor c = log.readFromSeq(from.beforeSeq())) {
                for (OpRecord r; !wanted.isEmpty() && (r = c.next()) != null; ) {
                    while (!wanted.isEmpty() && r.seq() >= wanted.first()) {
                        write(wanted.pollFirst(), paths);
                        written++;
                    }
                    paths.follow(r);
                }
            }
        }
        prune(log.firstSeq());
        return written;
    }

    /**
     * The names as of just before {@code seq}: from the newest whole snapshot at or before it,
     * or, without one, an empty map as of {@code logStart} (objects older than the journal are
     * then unnamed). The caller follows records from {@link Names#beforeSeq()} up to {@code seq}.
     */
    public Names before(long seq, long logStart) throws IOException {
        for (long s : existing().descendingSet()) {
            if (s > seq) {
                continue;
            }
            try {
                return new Names(s, read(s));
            } catch (IOException e) {
                LOG.warn("names snapshot {} is unreadable, using an earlier one: {}", file(s), e.getMessage());
            }
        }
        return new Names(logStart, new RecordPaths(rootId));
    }

    private TreeSet<Long> existing() throws IOException {
        TreeSet<Long> seqs = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return seqs;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> n.length() == 20 + SUFFIX.length() && n.endsWith(SUFFIX))
                    .forEach(n -> {
                        try {
                            seqs.add(Long.parseLong(n.substring(0, 20)));
                        } catch (NumberFormatException e) {
                            // not one of ours
                        }
                    });
        }
        return seqs;
    }

    private Path file(long seq) {
        return dir.resolve(String.format("%020d", seq) + SUFFIX);
    }

    private void write(long beforeSeq, RecordPaths paths) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file(beforeSeq).getFileName() + ".tmp");
        CRC32C crc = new CRC32C();
        try (OutputStream raw = Files.newOutputStream(tmp);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(raw, crc), 1 << 16))) {
            out.write(MAGIC);
            out.writeLong(beforeSeq);
            out.writeLong(rootId);
            out.writeInt(paths.size());
            paths.forEachName((id, parent, name) -> {
                byte[] b = name.getBytes(StandardCharsets.UTF_8);
                out.writeLong(id);
                out.writeLong(parent);
                out.writeShort(b.length);
                out.write(b);
            });
            out.flush();
            out.writeInt((int) crc.getValue()); // the stream below counts it too; it is written last
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file(beforeSeq), StandardCopyOption.ATOMIC_MOVE);
        LOG.debug("names snapshot {}: {} names", file(beforeSeq), paths.size());
    }

    private RecordPaths read(long beforeSeq) throws IOException {
        Path f = file(beforeSeq);
        CRC32C crc = new CRC32C();
        try (InputStream raw = Files.newInputStream(f);
             DataInputStream in = new DataInputStream(new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), crc))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException(f + ": not a names snapshot");
            }
            if (in.readLong() != beforeSeq || in.readLong() != rootId) {
                throw new IOException(f + ": of another record or export");
            }
            int count = in.readInt();
            RecordPaths paths = new RecordPaths(rootId);
            for (int i = 0; i < count; i++) {
                long id = in.readLong();
                long parent = in.readLong();
                byte[] name = in.readNBytes(in.readUnsignedShort());
                paths.putName(id, parent, new String(name, StandardCharsets.UTF_8));
            }
            int expected = (int) crc.getValue();
            if (in.readInt() != expected) {
                throw new IOException(f + ": checksum mismatch");
            }
            return paths;
        } catch (EOFException e) {
            throw new IOException(f + ": truncated", e);
        } catch (NoSuchFileException e) {
            throw new IOException(f + ": deleted meanwhile", e);
        }
    }

    /** Deletes snapshots older than the newest one at or before {@code logStart}. */
    private void prune(long logStart) throws IOException {
        TreeSet<Long> have = existing();
        Long keep = have.floor(logStart);
        if (keep == null) {
            return;
        }
        for (long s : have.headSet(keep, false)) {
            Files.deleteIfExists(file(s));
        }
    }
}
