package dev.nfsrepl.journal;

import dev.nfsrepl.replication.record.ObjectType;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The directory entries a journal's records made, as of the last record followed: every name of
 * every object (hard links included, unlike {@link RecordPaths}, which keeps one name per object
 * for display), and which objects are directories. Used to find what was under a path at a point
 * in time. Records must be followed in order, without the ones an ABORT cancelled.
 *
 * <p>Not thread-safe.
 */
final class Namespace {

    private final long rootId;
    private final Map<Long, Map<String, Long>> entries = new HashMap<>();
    private final Set<Long> directories = new HashSet<>();

    Namespace(long rootId) {
        this.rootId = rootId;
        directories.add(rootId);
    }

    void follow(OpRecord r) {
        Op op = r.op();
        switch (op.type()) {
            case CREATE -> put(((Op.Create) op).parent(), ((Op.Create) op).name(), ((Op.Create) op).id());
            case MKDIR -> {
                put(((Op.Mkdir) op).parent(), ((Op.Mkdir) op).name(), ((Op.Mkdir) op).id());
                directories.add(((Op.Mkdir) op).id());
            }
            case SYMLINK -> put(((Op.Symlink) op).parent(), ((Op.Symlink) op).name(), ((Op.Symlink) op).id());
            case MKNOD -> put(((Op.Mknod) op).parent(), ((Op.Mknod) op).name(), ((Op.Mknod) op).id());
            case ADOPT -> {
                Op.Adopt a = (Op.Adopt) op;
                put(a.parent(), a.name(), a.id());
                if (a.objectType() == ObjectType.DIRECTORY) {
                    directories.add(a.id());
                }
            }
            case LINK -> put(((Op.Link) op).parent(), ((Op.Link) op).name(), ((Op.Link) op).id());
            case REMOVE -> drop(((Op.Remove) op).parent(), ((Op.Remove) op).name(), ((Op.Remove) op).id());
            case RMDIR -> {
                drop(((Op.Rmdir) op).parent(), ((Op.Rmdir) op).name(), ((Op.Rmdir) op).id());
                entries.remove(((Op.Rmdir) op).id());
            }
            case RENAME -> {
                Op.Rename m = (Op.Rename) op;
                drop(m.fromParent(), m.fromName(), m.id());
                put(m.toParent(), m.toName(), m.id());
            }
            default -> {
            }
        }
    }

    /** Learns a name from a tree (a checkpoint's) rather than from a record. */
    void learn(long parent, String name, long id, boolean directory) {
        put(parent, name, id);
        if (directory) {
            directories.add(id);
        }
    }

    private void put(long parent, String name, long id) {
        entries.computeIfAbsent(parent, k -> new HashMap<>()).put(name, id);
    }

    private void drop(long parent, String name, long id) {
        Map<String, Long> e = entries.get(parent);
        if (e != null && Long.valueOf(id).equals(e.get(name))) {
            e.remove(name);
        }
    }

    /** Whether a record made {@code id} a directory (the root is one). */
    boolean isDirectory(long id) {
        return directories.contains(id);
    }

    /** The object at {@code path} ("/a/b"; "/" is the root), or null when there is none. */
    Long lookup(String path) {
        long cur = rootId;
        for (String name : path.split("/")) {
            if (name.isEmpty()) {
                continue;
            }
            Map<String, Long> e = entries.get(cur);
            Long next = e == null ? null : e.get(name);
            if (next == null) {
                return null;
            }
            cur = next;
        }
        return cur;
    }

    /** {@code id} and every object reachable below it by names. */
    Set<Long> under(long id) {
        Set<Long> seen = new HashSet<>();
        ArrayDeque<Long> todo = new ArrayDeque<>();
        todo.add(id);
        while (!todo.isEmpty()) {
            long cur = todo.poll();
            if (seen.add(cur)) {
                Map<String, Long> e = entries.get(cur);
                if (e != null) {
                    todo.addAll(e.values());
                }
            }
        }
        return seen;
    }
}
