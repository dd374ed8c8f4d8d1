package dev.nfsrepl.journal;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.Origin;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base copies of an export's tree at known records, from which a restore replays only the records
 * after them (instead of the journal from its first record), and which let the journal's retention
 * delete old records without losing the past they rebuilt.
 *
 * <p>Layout, in the journal's directory (outside every export):
 * <pre>
 *   checkpoints/NNNNNNNNNNNNNNNNNNNN/        a checkpoint: the tree as of record N (20 digits)
 *       tree/                               the copy, every object with its FileId
 *       state/                              its identity index (symlinks, FIFOs, sockets)
 *       checkpoint.properties               seq=N, startSeq=S, time=ISO-8601, objects=, bytes=
 *   checkpoints/.making-UUID/               one being made (deleted on the next start if left)
 * </pre>
 *
 * <p>Consistency: a checkpoint is made from the newest checkpoint the journal continues (a copy of
 * that tree, which no one changes, every object with its FileId) and the records after it up to E,
 * a record up to which every change was applied or aborted, applied through the same applier as
 * journal recovery; or, for a journal that began on an empty export and still holds its first
 * record, from the records alone. The live tree is not read, so clients writing meanwhile change
 * nothing: the result is the tree as of E by construction, exactly what replaying the journal to E
 * gives. Only the first checkpoint of a journal that began on an export already holding files must
 * walk the live tree (see {@link #walkLiveTree}).
 *
 * <p>Data is copied, never hard-linked (NFS writes change a file in place, so a link would change
 * with it). Not yet: reflink copies on file systems that have them.
 *
 * <p>{@link #make} runs one at a time; reading is thread-safe.
 */
public final class Checkpoints {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
    private static final String PROPERTIES = "checkpoint.properties";

    /**
     * A checkpoint: the tree as of record {@code seq}, made from {@code madeFrom} (the checkpoint of
     * {@code startSeq} and the records after it, the journal from its start, or a walk of the live
     * tree that began at {@code startSeq}).
     */
    public record Info(long seq, long startSeq, String time, long objects, long bytes, String madeFrom, Path dir) {
        public Path tree() {
            return dir.resolve("tree");
        }

        public Path state() {
            return dir.resolve("state");
        }
    }

    private final Path dir;
    private final Clock clock;

    public Checkpoints(Path journalDir, Clock clock) {
        this.dir = journalDir.resolve("checkpoints");
        this.clock = clock;
    }

    /** The whole checkpoints, oldest first. */
    public List<Info> list() throws IOException {
        List<Info> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.length() == 20 && n.chars().allMatch(Character::isDigit) && Files.exists(p.resolve(PROPERTIES))) {
                    out.add(read(p));
                }
            }
        }
        return out;
    }

    /** The newest checkpoint at or before {@code seq} from which the log still holds every later record, or null. */
    public Info newestUsable(long seq, long logFirstSeq) throws IOException {
        Info best = null;
        for (Info i : list()) {
            if (i.seq() <= seq && i.seq() + 1 >= logFirstSeq) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Makes a checkpoint of {@code journal}'s tree (see the class comment), reporting its progress to
     * {@code progress}; returns it.
     */
    public synchronized Info make(Journal journal, Restore.Progress progress) throws IOException, FsException {
        Files.createDirectories(dir);
        deleteLeftovers();
        Path making = dir.resolve(".making-" + UUID.randomUUID());
        Instant began = clock.instant();
        JournalIdentity id = journal.source().identity();
        SegmentLog log = journal.log();
        long end = journal.settled().upTo();
        Info base = newestUsable(end, log.firstSeq());
        boolean fromStart = base == null && id.startedEmpty() && log.firstSeq() <= 1;
        long start;
        String how;
        try (LocalFileSystem copy = new LocalFileSystem(Files.createDirectories(making.resolve("tree")),
                making.resolve("state"), clock).withIdentity(id.rootId(), id.generation()).start()) {
            copy.setSyncMetadata(false);
            if (base != null || fromStart) {
                start = base == null ? 0 : base.seq();
                if (base != null) {
                    progress.phase("copying checkpoint #" + base.seq(), base.objects());
                    try (LocalFileSystem from = open(base, id)) {
                        copyTree(from, copy, base.seq(), r -> r, progress::step);
                    }
                }
                progress.phase("applying records #" + (start + 1) + "..#" + end, end - start);
                long from = start;
                Replay.Result r = Replay.run(log, start + 1, end, Replay.aborted(log, start + 1), x -> x, base == null,
                        new RecordApplier(copy), (rec, e) -> {
                            throw new IOException("record #" + rec.seq() + " does not apply to the copy of #" + from
                                    + ": " + e.getMessage(), e);
                        }, x -> progress.step());
                if (r.superseded() > 0) {
                    throw new IOException(r.superseded() + " records after #" + start + " did not apply to its copy");
                }
                how = base == null ? "journal from its start" : "checkpoint #" + start + " and the records after it";
            } else {
                long[] walked = walkLiveTree(journal, copy, progress);
                start = walked[0];
                end = walked[1];
                how = "walk of the live tree from #" + start;
            }
            Journal.syncFileSystem(making.resolve("tree"));
            long[] counts = count(copy, copy.rootId(), new long[2]);
            Properties p = new Properties();
            p.setProperty("seq", Long.toString(end));
            p.setProperty("startSeq", Long.toString(start));
            p.setProperty("time", began.toString());
            p.setProperty("objects", Long.toString(counts[0]));
            p.setProperty("bytes", Long.toString(counts[1]));
            p.setProperty("madeFrom", how);
            try (Writer w = Files.newBufferedWriter(making.resolve(PROPERTIES), StandardCharsets.UTF_8)) {
                p.store(w, "nfsrepl checkpoint: the tree as of record " + end);
            }
        }
        Journal.syncFileSystem(making);
        Path done = dir.resolve(String.format("%020d", end));
        if (Files.exists(done)) {
            delete(done); // one of the same record (nothing was written since)
        }
        Files.move(making, done, StandardCopyOption.ATOMIC_MOVE);
        Info info = read(done);
        LOG.info("checkpoint of {} as of #{} from the {}: {} objects, {} bytes, in {}", journal.tree().root(), end, how,
                info.objects(), info.bytes(), java.time.Duration.between(began, clock.instant()));
        return info;
    }

    /** Opens a checkpoint's tree (to read it). */
    LocalFileSystem open(Info cp, JournalIdentity id) throws IOException {
        LocalFileSystem fs = new LocalFileSystem(cp.tree(), cp.state(), clock).withIdentity(id.rootId(), id.generation())
                .start();
        fs.setSyncMetadata(false);
        return fs;
    }

    /**
     * Copies a tree no one changes (a checkpoint's) into an empty one, every object with its FileId, as
     * the ops of a walk, each as {@code select} makes it (null: left out); then stamps every directory
     * as holding the records up to {@code asOf}, so that those after it are checked by name. Apply
     * the records after it with a new {@link RecordApplier}: this one remembers the walk's numbering.
     */
    static void copyTree(LocalFileSystem from, LocalFileSystem to, long asOf, UnaryOperator<OpRecord> select,
                         Runnable step) throws IOException {
        RecordApplier applier = new RecordApplier(to);
        Set<Long> directories = new HashSet<>();
        directories.add(to.rootId());
        long[] n = {0};
        int epoch = Math.max(1, to.epoch());
        TreeWalk.run(from, op -> {
            OpRecord r = select.apply(new OpRecord(++n[0], epoch, 0, Origin.SERVER, op));
            if (r != null) {
                if (op instanceof Op.Mkdir m) {
                    directories.add(m.id());
                }
                try {
                    if (applier.apply(r, true) == RecordApplier.Outcome.SUPERSEDED) {
                        throw new IOException("copying " + from.root() + ": " + op + " did not apply");
                    }
                } catch (FsException e) {
                    throw new IOException("copying " + from.root() + ": " + op + " failed: " + e.getMessage(), e);
                }
            }
            step.run();
        });
        byte[] stamp = new AppliedSet(asOf, new long[0]).encode();
        for (long d : directories) {
            try {
                to.finishDirectory(d, stamp, null);
            } catch (FsException e) {
                throw new IOException("stamping a directory of " + to.root() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The first checkpoint of a journal that cannot rebuild the tree alone (it began on an export
     * that held files): a walk of the live tree gives its names exactly as of a record S and its
     * contents and attributes at least as new ({@link TreeWalk}); the records after S up to E, the
     * last one when the walk ended, then make it the tree as of E. Later checkpoints are made from
     * this one and the journal.
     *
     * @return {S, E}
     */
    private long[] walkLiveTree(Journal journal, LocalFileSystem copy, Restore.Progress progress) throws IOException {
        int epoch = Math.max(1, journal.tree().epoch());
        progress.phase("copying the tree", 0);
        long start = copyTree(journal, copy, epoch, progress);
        long end = journal.log().lastSeq();
        journal.awaitSettled(end);
        progress.phase("applying the records written meanwhile", end - start);
        Replay.Result r = Replay.run(journal.log(), start + 1, end, Replay.aborted(journal.log(), start + 1), x -> x,
                false, new RecordApplier(copy), (x, e) -> {
                    throw new IOException("record " + x + " fails on the walked copy: " + e.getMessage(), e);
                }, x -> progress.step());
        if (r.superseded() > 0) {
            throw new IOException(r.superseded() + " records after #" + start + " did not apply to the walked copy");
        }
        return new long[] {start, end};
    }

    /** Copies the live tree of {@code journal} into {@code copy}; returns the record its names are exact as of. */
    private static long copyTree(Journal journal, LocalFileSystem copy, int epoch, Restore.Progress progress)
            throws IOException {
        RecordApplier applier = new RecordApplier(copy);
        Set<Long> directories = new HashSet<>();
        directories.add(copy.rootId());
        long[] n = {0};
        long asOf = TreeWalk.live(journal, Map.of(), op -> {
            if (op instanceof Op.Mkdir m) {
                directories.add(m.id());
            }
            OpRecord r = new OpRecord(++n[0], epoch, 0, Origin.SERVER, op);
            try {
                if (applier.apply(r, true) == RecordApplier.Outcome.SUPERSEDED) {
                    throw new IOException("copying the live tree: " + op + " did not apply");
                }
            } catch (FsException e) {
                throw new IOException("copying the live tree: " + op + " failed: " + e.getMessage(), e);
            }
            progress.step();
        }).asOf();
        byte[] stamp = new AppliedSet(asOf, new long[0]).encode();
        for (long d : directories) {
            try {
                copy.finishDirectory(d, stamp, null);
            } catch (FsException e) {
                throw new IOException("stamping a directory of " + copy.root() + ": " + e.getMessage(), e);
            }
        }
        return asOf;
    }

    /** Adds the objects below {@code dir} and their sizes (regular files) to {@code counts}. */
    private static long[] count(LocalFileSystem fs, long dir, long[] counts) throws FsException {
        for (dev.nfsrepl.fs.DirEntry e : TreeCopy.entries(fs, dir)) {
            dev.nfsrepl.fs.Attr a = fs.getattr(e.fileId());
            counts[0]++;
            if (a.type() == dev.nfsrepl.fs.FileType.REGULAR) {
                counts[1] += a.size();
            } else if (a.type() == dev.nfsrepl.fs.FileType.DIRECTORY) {
                count(fs, e.fileId(), counts);
            }
        }
        return counts;
    }

    /**
     * Deletes the checkpoints no restore needs: every point the journal still holds is restored from
     * the oldest checkpoint it continues (every record after it is in the log), so that one is kept,
     * and the newest {@code newest} (restores of recent points replay less from them); the others go.
     */
    public synchronized void prune(long logFirstSeq, int newest) throws IOException {
        List<Info> all = list();
        Set<Info> keep = new HashSet<>(all.subList(Math.max(0, all.size() - newest), all.size()));
        all.stream().filter(i -> i.seq() + 1 >= logFirstSeq).findFirst().ifPresent(keep::add);
        for (Info i : all) {
            if (!keep.contains(i)) {
                LOG.info("checkpoint #{} deleted: the oldest checkpoint the journal continues and the newest {} are "
                        + "kept", i.seq(), newest);
                delete(i.dir());
            }
        }
    }

    private void deleteLeftovers() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".making-")).toList()) {
                LOG.warn("deleting checkpoint {} left unfinished", p);
                delete(p);
            }
        }
    }

    private static Info read(Path p) throws IOException {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(p.resolve(PROPERTIES), StandardCharsets.UTF_8)) {
            props.load(r);
        }
        try {
            return new Info(Long.parseLong(props.getProperty("seq")), Long.parseLong(props.getProperty("startSeq")),
                    props.getProperty("time"), Long.parseLong(props.getProperty("objects", "0")),
                    Long.parseLong(props.getProperty("bytes", "0")), props.getProperty("madeFrom", "?"), p);
        } catch (NumberFormatException | NullPointerException e) {
            throw new IOException(p.resolve(PROPERTIES) + ": malformed (want seq= and startSeq=)", e);
        }
    }

    private static void delete(Path p) throws IOException {
        MoreFiles.deleteRecursively(p, RecursiveDeleteOption.ALLOW_INSECURE);
    }
}
