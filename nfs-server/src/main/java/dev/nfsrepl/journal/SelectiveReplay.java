package dev.nfsrepl.journal;

import dev.nfsrepl.fs.Attr;
import dev.nfsrepl.fs.CreateMode;
import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.SetAttr;
import dev.nfsrepl.fs.Stability;
import dev.nfsrepl.fs.TimeSpec;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.NoEntException;
import dev.nfsrepl.replication.record.ObjectType;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replays chosen records (an {@link OpsFilter}) onto the export, in journal order: each record's
 * change is made again on the path its object had at the record's time, in place or re-rooted into
 * a directory ({@code into}: a record on {@code P/x} acts on {@code INTO/x}, P being the filter's
 * path). Objects are found by path, not FileId: the point is to redo changes on the tree as it is
 * now, or in a copy. Changes go through the export's recording file system (journaled and
 * replicated like a client's), as root.
 *
 * <p>Each record's result is reported: done, already so (a CREATE or MKDIR of a name that holds an
 * object of that type, a REMOVE of a name that is gone, a RENAME whose source is gone and whose
 * destination is there: replaying twice changes nothing more), skipped (with why) or failed (with
 * the NFS error). A record that failed does not stop the replay. A dry run resolves each record to
 * the action it would take and changes nothing. Names come from the journal and are checked as NFS
 * names; every path is looked up name by name, never following symlinks, so nothing is written
 * outside the target. Records an ABORT cancelled are skipped; COMMITs have nothing to redo.
 */
public final class SelectiveReplay {

    private static final int MAX_LISTED = 10_000;

    /** The outcome of one record. */
    public record Step(long seq, String time, String op, String path, String target, String action, String result) {
    }

    /** What a replay did (or, dry, would do). {@code steps}: the first 10,000, in order. */
    public record Result(boolean dryRun, long matched, long done, long alreadySo, long skipped, long failed,
                         List<Step> steps) {
    }

    /** The records a replay goes through, oldest first, each with its path (and a RENAME's destination) at its time. */
    private interface Feed {
        /** How many records it goes through (for progress). */
        long count();

        /** The records ABORTs among them cancel. */
        Set<Long> aborted() throws IOException;

        void forEach(OpsQuery.Match each) throws IOException;
    }

    private final Feed feed;
    private final FileSystem target;
    private final OpsFilter filter;
    private final String into;
    private final boolean dryRun;
    private final List<Step> steps = new ArrayList<>();
    private long matched;
    private long done;
    private long alreadySo;
    private long skipped;
    private long failed;

    /**
     * @param into   null: in place; else the directory of the export the filter's path is re-rooted at
     *               (the filter must then have a path)
     */
    public SelectiveReplay(JournalSource source, FileSystem target, OpsFilter filter, String into, boolean dryRun)
            throws RestoreException {
        if (into != null) {
            if (filter.path() == null) {
                throw new RestoreException(RestoreException.Kind.BAD_REQUEST, "replay into a directory needs --path P: "
                        + "records on P/x are replayed on INTO/x");
            }
            if (!into.startsWith("/")) {
                throw new RestoreException(RestoreException.Kind.BAD_REQUEST, "paths start at the export's root: " + into);
            }
            TreeCopy.checkNames(into);
        }
        this.feed = journalFeed(source, filter);
        this.target = target;
        this.filter = filter;
        this.into = into == null ? null : (into.length() > 1 && into.endsWith("/") ? into.substring(0, into.length() - 1)
                : into);
        this.dryRun = dryRun;
    }

    private SelectiveReplay(Feed feed, FileSystem target, boolean dryRun) {
        this.feed = feed;
        this.target = target;
        this.filter = OpsFilter.ALL;
        this.into = null;
        this.dryRun = dryRun;
    }

    private static Feed journalFeed(JournalSource source, OpsFilter filter) {
        // the records the replay itself writes are not replayed again
        long last = Math.min(filter.toSeq(), source.log().lastSeq());
        return new Feed() {
            @Override
            public long count() {
                return Math.max(0, last - Math.max(filter.fromSeq(), source.log().firstSeq()) + 1);
            }

            @Override
            public Set<Long> aborted() throws IOException {
                return Replay.aborted(source.log(), Math.max(1, filter.fromSeq()));
            }

            @Override
            public void forEach(OpsQuery.Match each) throws IOException {
                source.query(filter.withSeqs(filter.fromSeq(), last)).forEach(each);
            }
        };
    }

    /**
     * Replays, in place, records another node wrote as an older epoch's primary that this primary
     * never received ({@link Divergence}): {@code records} from the fork on. Their paths are the names
     * this journal held just before the fork (the two histories were one until then), moved on by the
     * records themselves; each is made again by path on the tree as it is now, as any replay.
     */
    public static SelectiveReplay divergence(JournalSource primary, List<OpRecord> records, FileSystem target,
                                             boolean dryRun) throws IOException {
        long fork = records.isEmpty() ? primary.log().lastSeq() + 1 : records.get(0).seq();
        RecordPaths before = OpsQuery.namesBefore(primary.log(), primary.names(), fork);
        return new SelectiveReplay(new Feed() {
            @Override
            public long count() {
                return records.size();
            }

            @Override
            public Set<Long> aborted() {
                Set<Long> a = new java.util.HashSet<>();
                records.forEach(r -> {
                    if (r.op() instanceof Op.Abort x) {
                        a.add(x.abortedSeq());
                    }
                });
                return a;
            }

            @Override
            public void forEach(OpsQuery.Match each) throws IOException {
                for (OpRecord r : records) {
                    String path = before.pathOf(r);
                    String to = before.renamedTo(r);
                    before.follow(r);
                    if (!each.accept(r, path, to)) {
                        return;
                    }
                }
            }
        }, target, dryRun);
    }

    public Result run(Restore.Progress progress) throws IOException {
        Set<Long> aborted = feed.aborted();
        progress.phase(dryRun ? "planning" : "replaying", feed.count());
        feed.forEach((r, path, to) -> {
            progress.step();
            matched++;
            if (aborted.contains(r.seq())) {
                report(r, path, null, "-", "skipped: cancelled by an ABORT (it failed when it was made)");
                skipped++;
            } else {
                replay(r, path, to);
            }
            return true;
        });
        return new Result(dryRun, matched, done, alreadySo, skipped, failed, List.copyOf(steps));
    }

    private void replay(OpRecord r, String path, String to) {
        String where = map(path);
        String dest = to == null ? null : map(to);
        Op op = r.op();
        if (where == null && !(op instanceof Op.Rename && dest != null)) {
            skip(r, path, "skipped: " + (path.startsWith("#") ? "the object's name is not known (older than the journal)"
                    : "outside " + filter.path()));
            return;
        }
        try {
            switch (op.type()) {
                case CREATE -> make(r, path, where, FileType.REGULAR, "create", () -> target.create(Identity.ROOT,
                        parent(where), name(where), CreateMode.GUARDED, SetAttr.mode(((Op.Create) op).attrs().mode()), null));
                case MKDIR -> make(r, path, where, FileType.DIRECTORY, "mkdir", () -> target.mkdir(Identity.ROOT,
                        parent(where), name(where), SetAttr.mode(((Op.Mkdir) op).attrs().mode())));
                case SYMLINK -> make(r, path, where, FileType.SYMLINK, "symlink -> " + ((Op.Symlink) op).target(),
                        () -> target.symlink(Identity.ROOT, parent(where), name(where), ((Op.Symlink) op).target(),
                                SetAttr.NONE));
                case MKNOD -> make(r, path, where, type(((Op.Mknod) op).objectType()), "mknod", () -> target.mknod(
                        Identity.ROOT, parent(where), name(where), type(((Op.Mknod) op).objectType()),
                        SetAttr.mode(((Op.Mknod) op).attrs().mode())));
                case ADOPT -> adopt(r, path, where, (Op.Adopt) op);
                case WRITE -> {
                    Op.Write w = (Op.Write) op;
                    String action = "write " + w.data().remaining() + " bytes at " + w.offset();
                    if (!dryRun) {
                        target.write(Identity.ROOT, TreeCopy.resolve(target, where), w.offset(), w.data(),
                                Stability.FILE_SYNC);
                    }
                    did(r, path, where, action);
                }
                case SETATTR -> {
                    Op.SetAttrs a = (Op.SetAttrs) op;
                    SetAttr change = new SetAttr(a.mode(), a.uid(), a.gid(), a.size(),
                            a.atimeNanos() == null ? null : TimeSpec.at(a.atimeNanos()),
                            a.mtimeNanos() == null ? null : TimeSpec.at(a.mtimeNanos()));
                    if (!dryRun) {
                        target.setattr(Identity.ROOT, TreeCopy.resolve(target, where), change, null);
                    }
                    did(r, path, where, "setattr" + RecordView.fields(r, path, null).entrySet().stream()
                            .filter(e -> Set.of("mode", "owner", "group", "size", "atime", "mtime").contains(e.getKey()))
                            .map(e -> " " + e.getKey() + "=" + e.getValue()).reduce("", String::concat));
                }
                case REMOVE, RMDIR -> remove(r, path, where, op.type() == dev.nfsrepl.replication.record.OpType.RMDIR);
                case RENAME -> rename(r, path, where, dest);
                case LINK -> link(r, path);
                case COMMIT, ABORT, MARK, MONITOR -> skip(r, path, "skipped: nothing to redo");
            }
        } catch (FsException e) {
            report(r, path, where, "-", "failed: " + e.getClass().getSimpleName().replace("Exception", "").toUpperCase()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
            failed++;
        }
    }

    /** Makes an object unless its name already holds one of that type. */
    private void make(OpRecord r, String path, String where, FileType type, String action, Maker maker)
            throws FsException {
        Attr there = attrOrNull(where);
        if (there != null) {
            if (there.type() == type) {
                already(r, path, where, action, "already so: " + where + " is a " + type.name().toLowerCase());
                return;
            }
            throw new dev.nfsrepl.fs.error.ExistException(where + " holds a " + there.type().name().toLowerCase());
        }
        if (!dryRun) {
            maker.make();
        }
        did(r, path, where, action);
    }

    private interface Maker {
        void make() throws FsException;
    }

    private void adopt(OpRecord r, String path, String where, Op.Adopt a) throws FsException {
        FileType type = type(a.objectType());
        switch (type) {
            case DIRECTORY -> make(r, path, where, type, "mkdir (adopted)", () -> target.mkdir(Identity.ROOT,
                    parent(where), name(where), SetAttr.mode(a.attrs().mode())));
            case SYMLINK -> make(r, path, where, type, "symlink (adopted)", () -> target.symlink(Identity.ROOT,
                    parent(where), name(where), java.nio.charset.StandardCharsets.UTF_8.decode(a.content()).toString(),
                    SetAttr.NONE));
            case REGULAR -> make(r, path, where, type, "create with " + a.content().remaining() + " bytes (adopted)", () -> {
                long id = target.create(Identity.ROOT, parent(where), name(where), CreateMode.GUARDED,
                        SetAttr.mode(a.attrs().mode()), null);
                target.write(Identity.ROOT, id, 0, a.content(), Stability.FILE_SYNC);
            });
            default -> make(r, path, where, type, "mknod (adopted)", () -> target.mknod(Identity.ROOT, parent(where),
                    name(where), type, SetAttr.mode(a.attrs().mode())));
        }
    }

    private void remove(OpRecord r, String path, String where, boolean dir) throws FsException {
        String action = dir ? "rmdir" : "remove";
        if (attrOrNull(where) == null) {
            already(r, path, where, action, "already so: " + where + " is not there");
            return;
        }
        if (!dryRun) {
            if (dir) {
                target.rmdir(Identity.ROOT, parent(where), name(where));
            } else {
                target.remove(Identity.ROOT, parent(where), name(where));
            }
        }
        did(r, path, where, action);
    }

    private void rename(OpRecord r, String path, String from, String to) throws FsException {
        if (to == null) { // moved out of the replayed tree: gone from it
            remove(r, path, from, attrOrNull(from) != null && attrOrNull(from).type() == FileType.DIRECTORY);
            return;
        }
        if (from == null) {
            skip(r, path, "skipped: moved in from outside " + filter.path() + " (its earlier changes are not replayed)");
            return;
        }
        String action = "rename to " + to;
        if (attrOrNull(from) == null && attrOrNull(to) != null) {
            already(r, path, from, action, "already so: " + from + " is gone and " + to + " is there");
            return;
        }
        if (!dryRun) {
            target.rename(Identity.ROOT, parent(from), name(from), parent(to), name(to));
        }
        did(r, path, from, action);
    }

    private void link(OpRecord r, String path) {
        skip(r, path, "skipped: a hard link is not replayed by path (restore brings links back)");
    }

    private void did(OpRecord r, String path, String where, String action) {
        report(r, path, where, action, dryRun ? "would be done" : "done");
        done++;
    }

    private void already(OpRecord r, String path, String where, String action, String why) {
        report(r, path, where, action, why);
        alreadySo++;
    }

    private void skip(OpRecord r, String path, String why) {
        report(r, path, null, "-", why);
        skipped++;
    }

    private void report(OpRecord r, String path, String where, String action, String result) {
        if (steps.size() < MAX_LISTED) {
            steps.add(new Step(r.seq(), RecordView.time(r.timeMicros()), r.type().name(), path, where, action, result));
        }
    }

    /** The path a record on {@code path} acts on in the target, or null when it is outside the filter's path. */
    private String map(String path) {
        if (into == null) {
            return path.startsWith("/") ? path : null;
        }
        String p = filter.path();
        if (path.equals(p)) {
            return into;
        }
        String prefix = p.equals("/") ? "/" : p + "/";
        return path.startsWith(prefix) ? (into.equals("/") ? "" : into) + "/" + path.substring(prefix.length()) : null;
    }

    private Attr attrOrNull(String path) throws FsException {
        try {
            return target.getattr(TreeCopy.resolve(target, path));
        } catch (NoEntException e) {
            return null;
        }
    }

    private long parent(String path) throws FsException {
        int slash = path.lastIndexOf('/');
        return TreeCopy.resolve(target, slash == 0 ? "/" : path.substring(0, slash));
    }

    private static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static FileType type(ObjectType t) {
        return switch (t) {
            case REGULAR -> FileType.REGULAR;
            case DIRECTORY -> FileType.DIRECTORY;
            case SYMLINK -> FileType.SYMLINK;
            case FIFO -> FileType.FIFO;
            case SOCKET -> FileType.SOCKET;
        };
    }

    /** The steps as the API shows them. */
    public static Map<String, Object> view(Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dryRun", r.dryRun());
        m.put("matched", r.matched());
        m.put("done", r.done());
        m.put("alreadySo", r.alreadySo());
        m.put("skipped", r.skipped());
        m.put("failed", r.failed());
        m.put("steps", r.steps());
        return m;
    }
}
