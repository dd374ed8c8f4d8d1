package dev.nfsrepl.journal;

import dev.nfsrepl.fs.Attr;
import dev.nfsrepl.fs.DirEntry;
import dev.nfsrepl.fs.FileSystem;
import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.NoEntException;
import dev.nfsrepl.fs.error.StaleException;
import dev.nfsrepl.replication.record.ObjectType;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every name of a live tree exactly as it was after one record of its journal ({@link #asOf}),
 * read while clients change it: the namespace a full resync sends and a walked checkpoint holds.
 *
 * <p>How it is exact. Each directory is listed while its entries cannot change (the journal's
 * operation lock on the directory, held exclusively: every change to its entries holds it shared
 * from before its record is appended until after it is applied), and the listing is noted with the
 * journal's last record at that moment, L(d): it holds the effect of exactly the records up to L(d)
 * on d's entries. Directories are listed one after another, at different points. Then, with E the
 * last record once every directory was listed (and every record up to E applied or aborted), the
 * records after the first listing up to E are followed in order, each acting only on the entries
 * of the directories whose listing it is later than (a RENAME from a directory listed after it into
 * one listed before it adds the new name and leaves the old one alone). Every directory then holds
 * its entries as of E. A directory made by a record of that range holds what the records after its
 * MKDIR put into it. A directory reachable at E that was never listed (moved out of a directory not
 * yet listed into one already listed) is listed then, E moves on to the newest record, and the
 * records up to it are followed again, until nothing reachable is unknown.
 *
 * <p>Only names are exact. Attributes and contents are read from the live tree afterwards; they
 * are at least as new as E, and the records after E, applied over them, give the same result as
 * applied over the tree at E (writes and size and attribute changes set values, whatever was there).
 *
 * <p>Not thread-safe.
 */
final class LiveNamespace {

    /** The journal of a live tree, as far as reading its namespace exactly needs it. */
    interface Changes {
        /** Holds off every change to {@code dir}'s entries until the returned handle is closed. */
        Paused pause(long dir);

        /** The last record appended. */
        long lastSeq();

        /** Returns once every record up to {@code seq} was applied or aborted. */
        void awaitSettled(long seq) throws IOException;

        /** Passes the records after {@code after} up to {@code upTo}, in order, but those an ABORT cancelled. */
        void forEach(long after, long upTo, java.util.function.Consumer<OpRecord> each) throws IOException;

        /** A tree nobody changes (a checkpoint's). */
        Changes NONE = new Changes() {
            @Override
            public Paused pause(long dir) {
                return () -> { };
            }

            @Override
            public long lastSeq() {
                return 0;
            }

            @Override
            public void awaitSettled(long seq) {
            }

            @Override
            public void forEach(long after, long upTo, java.util.function.Consumer<OpRecord> each) {
            }
        };
    }

    /** A held {@link Changes#pause}. */
    interface Paused extends AutoCloseable {
        @Override
        void close();
    }

    /** Rounds of "list what is unknown, follow the records" before the walk gives up on a tree that keeps changing. */
    private static final int MAX_ROUNDS = 100;

    private final FileSystem fs;
    private final Changes changes;
    private final Map<Long, SortedMap<String, Long>> entries = new HashMap<>();
    private final Map<Long, FileType> types = new HashMap<>();
    private final Map<Long, Long> knownAt = new HashMap<>(); // directory -> the last record its entries hold
    private final Set<Long> gone = new HashSet<>(); // found removed from the live tree
    private long asOf;

    private LiveNamespace(FileSystem fs, Changes changes) {
        this.fs = fs;
        this.changes = changes;
    }

    /** Reads the namespace of {@code fs}, whose changes {@code changes} records (see the class comment). */
    static LiveNamespace read(FileSystem fs, Changes changes) throws IOException {
        LiveNamespace ns = new LiveNamespace(fs, changes);
        ns.asOf = changes.lastSeq();
        ns.types.put(fs.rootId(), FileType.DIRECTORY);
        ns.listAll(java.util.List.of(fs.rootId()));
        for (int round = 0; round < MAX_ROUNDS; round++) {
            long end = changes.lastSeq();
            changes.awaitSettled(end);
            changes.forEach(ns.asOf, end, ns::follow);
            ns.asOf = end;
            java.util.List<Long> unknown = ns.unknownReachable();
            if (unknown.isEmpty()) {
                return ns;
            }
            ns.listAll(unknown);
        }
        throw new IOException("the names of " + fs.rootId() + " kept changing under " + MAX_ROUNDS
                + " rounds of reading them; try again when the tree is quieter");
    }

    /** The record the namespace is exact after. */
    long asOf() {
        return asOf;
    }

    /** The entries of directory {@code dir}, by name. */
    SortedMap<String, Long> entries(long dir) {
        SortedMap<String, Long> e = entries.get(dir);
        return e == null ? java.util.Collections.emptySortedMap() : e;
    }

    FileType type(long id) {
        return types.get(id);
    }

    /** Lists each of {@code ids} whose type is unknown or that is a directory never listed, and what they contain. */
    private void listAll(java.util.List<Long> ids) throws IOException {
        ArrayDeque<Long> todo = new ArrayDeque<>(ids);
        while (!todo.isEmpty()) {
            long id = todo.poll();
            if (gone.contains(id)) {
                continue;
            }
            if (!types.containsKey(id)) {
                try {
                    types.put(id, fs.getattr(id).type());
                } catch (NoEntException | StaleException e) {
                    gone.add(id); // removed since: a record up to the next end removes its name too
                    continue;
                } catch (FsException e) {
                    throw new IOException("cannot read object " + Long.toHexString(id) + ": " + e.getMessage(), e);
                }
            }
            if (types.get(id) == FileType.DIRECTORY && !knownAt.containsKey(id)) {
                for (long child : list(id)) {
                    todo.add(child);
                }
            }
        }
    }

    /** Lists directory {@code dir} with its entries held still; returns the directories in it not listed yet. */
    private java.util.List<Long> list(long dir) throws IOException {
        SortedMap<String, Long> names = new TreeMap<>();
        java.util.List<Long> next = new java.util.ArrayList<>();
        long at;
        try (Paused p = changes.pause(dir)) {
            for (DirEntry e : TreeCopy.entries(fs, dir)) {
                Attr a;
                try {
                    a = fs.getattr(e.fileId());
                } catch (NoEntException | StaleException vanished) {
                    continue; // (its names cannot change now; another way of going is not ours to see)
                }
                if (a.type() == FileType.BLOCK_DEVICE || a.type() == FileType.CHAR_DEVICE) {
                    continue; // devices are not replicated (as in the journal)
                }
                names.put(e.name(), e.fileId());
                types.put(e.fileId(), a.type());
                if (a.type() == FileType.DIRECTORY && !knownAt.containsKey(e.fileId())) {
                    next.add(e.fileId());
                }
            }
            at = changes.lastSeq(); // (an object made outside NFS is adopted by the listing: its ADOPT is before this)
        } catch (NoEntException | StaleException e) {
            gone.add(dir);
            return java.util.List.of();
        } catch (FsException e) {
            throw new IOException("cannot list directory " + Long.toHexString(dir) + ": " + e.getMessage(), e);
        }
        entries.put(dir, names);
        knownAt.put(dir, at);
        return next;
    }

    /** The objects reachable from the root whose type is unknown, that are directories never listed, or that are gone. */
    private java.util.List<Long> unknownReachable() {
        java.util.List<Long> unknown = new java.util.ArrayList<>();
        Set<Long> seen = new HashSet<>();
        ArrayDeque<Long> todo = new ArrayDeque<>();
        todo.add(fs.rootId());
        while (!todo.isEmpty()) {
            long id = todo.poll();
            if (!seen.add(id)) {
                continue;
            }
            FileType t = types.get(id);
            if (gone.contains(id) || t == null || (t == FileType.DIRECTORY && !knownAt.containsKey(id))) {
                unknown.add(id);
                gone.remove(id); // looked at again: listed if it is back (it cannot be), else found gone again
            } else if (t == FileType.DIRECTORY) {
                todo.addAll(entries(id).values());
            }
        }
        return unknown;
    }

    /** Follows one record (see the class comment). */
    private void follow(OpRecord r) {
        long seq = r.seq();
        Op op = r.op();
        if (op instanceof Op.Create c) {
            made(c.id(), FileType.REGULAR, seq);
            put(c.parent(), c.name(), c.id(), seq);
        } else if (op instanceof Op.Mkdir m) {
            made(m.id(), FileType.DIRECTORY, seq);
            put(m.parent(), m.name(), m.id(), seq);
        } else if (op instanceof Op.Symlink s) {
            made(s.id(), FileType.SYMLINK, seq);
            put(s.parent(), s.name(), s.id(), seq);
        } else if (op instanceof Op.Mknod n) {
            made(n.id(), typeOf(n.objectType()), seq);
            put(n.parent(), n.name(), n.id(), seq);
        } else if (op instanceof Op.Adopt a) {
            made(a.id(), typeOf(a.objectType()), seq); // its unadopted entries come as ADOPTs of their own
            put(a.parent(), a.name(), a.id(), seq);
        } else if (op instanceof Op.Link l) {
            put(l.parent(), l.name(), l.id(), seq);
        } else if (op instanceof Op.Remove rm) {
            drop(rm.parent(), rm.name(), rm.id(), seq);
        } else if (op instanceof Op.Rmdir rd) {
            drop(rd.parent(), rd.name(), rd.id(), seq);
        } else if (op instanceof Op.Rename mv) {
            drop(mv.fromParent(), mv.fromName(), mv.id(), seq);
            put(mv.toParent(), mv.toName(), mv.id(), seq);
        }
    }

    private static FileType typeOf(ObjectType t) {
        return switch (t) {
            case DIRECTORY -> FileType.DIRECTORY;
            case SYMLINK -> FileType.SYMLINK;
            case FIFO -> FileType.FIFO;
            case SOCKET -> FileType.SOCKET;
            default -> FileType.REGULAR;
        };
    }

    /** An object made by record {@code seq}: a directory holds, from then on, what the records after it put in. */
    private void made(long id, FileType type, long seq) {
        types.putIfAbsent(id, type);
        if (type == FileType.DIRECTORY && !knownAt.containsKey(id)) {
            knownAt.put(id, seq);
            entries.put(id, new TreeMap<>());
        }
    }

    /** Whether directory {@code dir}'s entries already hold record {@code seq}'s effect. */
    private boolean holds(long dir, long seq) {
        Long at = knownAt.get(dir);
        return at != null && seq <= at;
    }

    private void put(long dir, String name, long id, long seq) {
        if (!holds(dir, seq)) {
            entries.computeIfAbsent(dir, k -> new TreeMap<>()).put(name, id);
        }
    }

    private void drop(long dir, String name, long id, long seq) {
        SortedMap<String, Long> e = entries.get(dir);
        if (!holds(dir, seq) && e != null && Long.valueOf(id).equals(e.get(name))) {
            e.remove(name);
        }
    }
}
