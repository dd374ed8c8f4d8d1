package dev.nfsrepl.journal;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.nfsrepl.fs.DirEntry;
import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.SetAttr;
import dev.nfsrepl.fs.TimeSpec;
import dev.nfsrepl.fs.error.NoEntException;
import dev.nfsrepl.fs.error.StaleException;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Path P as it was at time T (or record S), copied to DIR": rebuilds what was under P at S in a
 * scratch tree below the journal's directory (outside every export), then copies it into the
 * export with fresh FileIds, through the export's recording file system, so that the restore is
 * journaled and replicated like any client's change.
 *
 * <ol>
 * <li>S: the last record at or before T (or the one given).</li>
 * <li>The namespace at S ({@link Namespace}, every name of every object, from the journal's start to
 * S without the records an ABORT cancelled): which objects are under P at S. "Records that touch P"
 * would not do: a file moved into P later than its writes got them under another name.</li>
 * <li>Replay into the scratch tree of the records up to S that make the directories (all of them:
 * they are the names' skeleton, and cheap) and of every record of the objects under P at S, under
 * whatever name they had then. The records of other files are left out: they are most of the data.
 * A RENAME of a file left out onto the name of a file under P removes that name.</li>
 * <li>A copy of P from the scratch tree into DIR ({@link TreeCopy}), then the scratch tree is
 * deleted.</li>
 * </ol>
 * It starts from the newest {@link Checkpoints checkpoint} at or before S that the journal continues
 * (the objects to restore and every directory are taken from it, with their FileIds, then the records
 * after it are replayed), or, without one, from the journal's first record, which rebuilds the tree
 * only when the journal began on an empty export and retention has not deleted its start.
 */
public final class Restore {

    private static final Logger LOG = LoggerFactory.getLogger(Restore.class);
    private static final int MAX_PROBLEMS = 20;

    /**
     * @param path     the path to restore ("/" for the whole export)
     * @param atSeq    the last record to include, or null to use {@code atMicros}
     * @param atMicros include the records up to this time (µs since the epoch), when {@code atSeq} is null
     * @param into     the directory of the export to restore into (made with its parents when missing)
     * @param force    restore into a directory that is not empty: entries of the restored tree replace
     *                 those with the same names; others stay
     */
    public record Request(String path, Long atSeq, Long atMicros, String into, boolean force) {
    }

    /** What a restore did. {@code checkpoint}: the one it started from (0: the journal's start). {@code problems}: up to 20 things it could not do exactly (with the count of all in {@code problemCount}). */
    public record Result(String path, String into, long seq, String time, long checkpoint, long recordsApplied,
                         long recordsLeftOut, TreeCopy.Counts copied, long problemCount, List<String> problems) {
    }

    /** Where a long restore is. */
    public interface Progress {
        /** Reports nothing. */
        Progress NONE = new Progress() {
            @Override
            public void phase(String name, long total) {
            }

            @Override
            public void step() {
            }
        };

        /** A new phase with {@code total} steps. */
        void phase(String name, long total);

        /** One step of the phase done. */
        void step();
    }

    private final JournalSource source;
    private final FileSystem target;
    private final Clock clock;
    private final Checkpoints checkpoints;

    public Restore(JournalSource source, FileSystem target, Clock clock) {
        this.source = source;
        this.target = target;
        this.clock = clock;
        this.checkpoints = new Checkpoints(source.dir(), clock);
    }

    /** Refuses at once what can be refused without reading the journal. */
    public void check(Request q) throws RestoreException, FsException, IOException {
        if (!q.path().startsWith("/") || !q.into().startsWith("/")) {
            throw new RestoreException(RestoreException.Kind.BAD_REQUEST, "paths start at the export's root: "
                    + (q.path().startsWith("/") ? q.into() : q.path()));
        }
        TreeCopy.checkNames(q.path());
        TreeCopy.checkNames(q.into());
        if (!fromJournalStart() && checkpoints.list().isEmpty()) {
            throw new RestoreException(RestoreException.Kind.CONFLICT, cannotRebuild());
        }
        TreeCopy.checkTarget(target, q.into(), q.force());
    }

    /** Whether the journal alone rebuilds the tree: it began on an empty export and holds its first record. */
    private boolean fromJournalStart() {
        return source.identity().startedEmpty() && source.log().firstSeq() <= 1;
    }

    private String cannotRebuild() {
        return (source.identity().startedEmpty() ? "the journal no longer holds its first records (it begins at #"
                + source.log().firstSeq() + ")" : "the export held files when its journal began")
                + " and no checkpoint is followed by the records up to the point asked for: take checkpoints "
                + "('nfsrepl-console checkpoint') to restore from them";
    }

    public Result run(Request q, Progress progress) throws IOException, FsException, RestoreException {
        check(q);
        SegmentLog log = source.log();
        long seq = targetSeq(q);
        long time = timeOf(seq);
        Checkpoints.Info base = checkpoints.newestUsable(seq, log.firstSeq());
        if (base == null && !fromJournalStart()) {
            throw new RestoreException(RestoreException.Kind.CONFLICT, cannotRebuild());
        }
        long from = base == null ? 1 : base.seq() + 1;
        Set<Long> aborted = Replay.aborted(log, from);
        Namespace ns = new Namespace(source.identity().rootId());
        if (base != null) {
            progress.phase("reading names of checkpoint #" + base.seq(), base.objects());
            try (LocalFileSystem cp = checkpoints.open(base, source.identity())) {
                learnNames(cp, cp.rootId(), ns, progress);
            }
        }
        progress.phase("reading names", seq - from + 1);
        try (LogCursor c = log.readFromSeq(from)) {
            for (OpRecord r; (r = c.next()) != null && r.seq() <= seq; ) {
                if (!aborted.contains(r.seq())) {
                    ns.follow(r);
                }
                progress.step();
            }
        }
        Long top = ns.lookup(q.path());
        if (top == null) {
            throw new RestoreException(RestoreException.Kind.NOT_FOUND, q.path() + " did not exist at #" + seq + " ("
                    + RecordView.time(time) + ")");
        }
        Set<Long> keep = ns.under(top);
        List<String> problems = new ArrayList<>();
        long[] problemCount = {0};
        long[] leftOut = {0};
        Path scratch = source.dir().resolve("restore").resolve(UUID.randomUUID().toString());
        try {
            Files.createDirectories(scratch.resolve("tree"));
            try (LocalFileSystem tree = new LocalFileSystem(scratch.resolve("tree"), scratch.resolve("state"), clock)
                    .withIdentity(source.identity().rootId(), source.identity().generation()).start()) {
                tree.setSyncMetadata(false);
                if (base != null) {
                    progress.phase("copying from checkpoint #" + base.seq(), base.objects());
                    try (LocalFileSystem cp = checkpoints.open(base, source.identity())) {
                        Checkpoints.copyTree(cp, tree, base.seq(), r -> select(r, keep, ns), progress::step);
                    }
                }
                // a fresh applier: the checkpoint's copy was numbered on its own, and its applier remembers that
                RecordApplier applier = new RecordApplier(tree);
                progress.phase("replaying", seq - from + 1);
                Map<Long, long[]> lastEntryChange = new HashMap<>(); // directory -> {mtime, 1 when left out}
                Replay.Result replayed = Replay.run(log, from, seq, aborted, r -> {
                    OpRecord chosen = select(r, keep, ns);
                    if (chosen == null) {
                        leftOut[0]++;
                    }
                    noteEntryChanges(r, chosen != r, lastEntryChange);
                    return chosen;
                }, base == null, applier, (r, e) -> note(problems, problemCount,
                        "record #" + r.seq() + " (" + r.type() + ") failed in the scratch tree: " + e.getMessage()),
                        r -> progress.step());
                restoreMtimes(tree, lastEntryChange);
                if (replayed.superseded() > 0) {
                    note(problems, problemCount, replayed.superseded() + " records did not apply in the scratch tree "
                            + "(their names held other objects)");
                }
                progress.phase("copying", keep.size());
                TreeCopy copy = new TreeCopy(tree, target, q.force(), p -> note(problems, problemCount, p),
                        progress::step);
                TreeCopy.Counts counts = copy.copy(TreeCopy.resolve(tree, q.path()), q.into());
                LOG.info("restored {} as of #{} ({}) into {}: {}", q.path(), seq, RecordView.time(time), q.into(), counts);
                return new Result(q.path(), q.into(), seq, RecordView.time(time), base == null ? 0 : base.seq(),
                        replayed.applied()
                        + replayed.alreadyDone(), leftOut[0], counts, problemCount[0], List.copyOf(problems));
            }
        } finally {
            MoreFiles.deleteRecursively(scratch, RecursiveDeleteOption.ALLOW_INSECURE);
        }
    }

    /** Learns every name of a checkpoint's tree. */
    private static void learnNames(LocalFileSystem cp, long dir, Namespace ns, Progress progress) throws FsException {
        for (DirEntry e : TreeCopy.entries(cp, dir)) {
            boolean isDir = cp.getattr(e.fileId()).type() == FileType.DIRECTORY;
            ns.learn(dir, e.name(), e.fileId(), isDir);
            progress.step();
            if (isDir) {
                learnNames(cp, e.fileId(), ns, progress);
            }
        }
    }

    /**
     * Notes the mtime each directory got from {@code r}: a record left out (a file not restored
     * made or removed in a directory that is) still set the directory's mtime, which the tree must
     * get after the replay.
     */
    private static void noteEntryChanges(OpRecord r, boolean leftOut, Map<Long, long[]> last) {
        long[] dirs = RecordApplier.directoriesOf(r.op());
        long[] mtimes = RecordApplier.parentMtimesOf(r.op());
        for (int i = 0; i < dirs.length; i++) {
            last.put(dirs[i], new long[] {mtimes[i], leftOut ? 1 : 0});
        }
        if (r.op() instanceof Op.SetAttrs a && a.mtimeNanos() != null) {
            last.put(a.id(), new long[] {a.mtimeNanos(), 0});
        }
    }

    /** Gives each directory whose last change of entries was left out the mtime that change gave it. */
    private static void restoreMtimes(LocalFileSystem tree, Map<Long, long[]> last) throws FsException {
        for (Map.Entry<Long, long[]> e : last.entrySet()) {
            if (e.getValue()[1] == 1) {
                try {
                    tree.setattr(Identity.ROOT, e.getKey(), new SetAttr(null, null, null, null, null,
                            TimeSpec.at(e.getValue()[0])), null);
                } catch (NoEntException | StaleException gone) {
                    // removed later
                }
            }
        }
    }

    /** The record the request stops at: its seq, or the last record at or before its time. */
    private long targetSeq(Request q) throws IOException, RestoreException {
        SegmentLog log = source.log();
        if (q.atSeq() != null) {
            if (q.atSeq() < 0 || q.atSeq() > log.lastSeq()) {
                throw new RestoreException(RestoreException.Kind.BAD_REQUEST, "no record #" + q.atSeq()
                        + " in the journal (it ends at #" + log.lastSeq() + ")");
            }
            return q.atSeq();
        }
        try (LogCursor c = log.readFromTime(q.atMicros() + 1)) {
            OpRecord after = c.next();
            return after == null ? log.lastSeq() : after.seq() - 1;
        }
    }

    private long timeOf(long seq) throws IOException {
        if (seq < 1) {
            return 0;
        }
        try (LogCursor c = source.log().readFromSeq(seq)) {
            OpRecord r = c.next();
            return r == null ? 0 : r.timeMicros();
        }
    }

    /** The record as the scratch replay applies it, or null to leave it out. */
    static OpRecord select(OpRecord r, Set<Long> keep, Namespace ns) {
        Op op = r.op();
        long id = switch (op.type()) {
            case CREATE -> ((Op.Create) op).id();
            case MKDIR, RMDIR -> -1; // every directory is made
            case SYMLINK -> ((Op.Symlink) op).id();
            case MKNOD -> ((Op.Mknod) op).id();
            case ADOPT -> ((Op.Adopt) op).id();
            case LINK -> ((Op.Link) op).id();
            case WRITE -> ((Op.Write) op).id();
            case SETATTR -> ((Op.SetAttrs) op).id();
            case REMOVE -> ((Op.Remove) op).id();
            case RENAME -> ((Op.Rename) op).id();
            case COMMIT, ABORT, MARK, MONITOR -> 0;
        };
        if (id == -1 || (id != 0 && (keep.contains(id) || ns.isDirectory(id)))) {
            return r;
        }
        if (op instanceof Op.Rename m && m.replaced() != 0 && keep.contains(m.replaced())) {
            // a file left out replaced one that is kept: that name of the kept one is gone
            return new OpRecord(r.seq(), r.epoch(), r.timeMicros(), r.origin(),
                    new Op.Remove(m.toParent(), m.toName(), m.replaced(), m.toParentMtimeNanos()));
        }
        return null;
    }

    private static void note(List<String> problems, long[] count, String problem) {
        if (count[0]++ < MAX_PROBLEMS) {
            problems.add(problem);
        }
        LOG.warn("restore: {}", problem);
    }
}
