package dev.nfsrepl.journal;

import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Paths for people, derived from FileIds rather than stored in records: fed the records in
 * journal order, it knows each object's name at that point (renames and moves included), so a
 * file moved into a directory is shown under it from then on, and the history of a renamed
 * directory is found under its new name. Objects the records never named (older than the
 * journal's start) are shown as {@code #hexFileId}.
 *
 * <p>Not thread-safe.
 */
public final class RecordPaths {

    private record Name(long parent, String name) {
    }

    private static final int MAX_DEPTH = 4096;
    private final long rootId;
    private final Map<Long, Name> names = new HashMap<>();

    public RecordPaths(long rootId) {
        this.rootId = rootId;
    }

    /** One name the records gave an object: {@code name} in the directory {@code parent}. */
    public interface NameConsumer {
        void name(long id, long parent, String name) throws IOException;
    }

    /** Passes every name known now (for a snapshot). */
    public void forEachName(NameConsumer out) throws IOException {
        for (Map.Entry<Long, Name> e : names.entrySet()) {
            out.name(e.getKey(), e.getValue().parent(), e.getValue().name());
        }
    }

    /** Learns a name from a snapshot. */
    public void putName(long id, long parent, String name) {
        names.put(id, new Name(parent, name));
    }

    /** How many objects have a known name. */
    public int size() {
        return names.size();
    }

    /** Where a RENAME moves its object to, as of just before it; null for other records. */
    public String renamedTo(OpRecord r) {
        return r.op() instanceof Op.Rename m ? child(m.toParent(), m.toName()) : null;
    }

    /** The path {@code r} acts on, as of just before it (a rename: where it moves from). */
    public String pathOf(OpRecord r) {
        Op op = r.op();
        return switch (op.type()) {
            case CREATE -> child(((Op.Create) op).parent(), ((Op.Create) op).name());
            case MKDIR -> child(((Op.Mkdir) op).parent(), ((Op.Mkdir) op).name());
            case SYMLINK -> child(((Op.Symlink) op).parent(), ((Op.Symlink) op).name());
            case MKNOD -> child(((Op.Mknod) op).parent(), ((Op.Mknod) op).name());
            case ADOPT -> child(((Op.Adopt) op).parent(), ((Op.Adopt) op).name());
            case REMOVE -> child(((Op.Remove) op).parent(), ((Op.Remove) op).name());
            case RMDIR -> child(((Op.Rmdir) op).parent(), ((Op.Rmdir) op).name());
            case LINK -> child(((Op.Link) op).parent(), ((Op.Link) op).name());
            case RENAME -> child(((Op.Rename) op).fromParent(), ((Op.Rename) op).fromName());
            case WRITE -> path(((Op.Write) op).id());
            case SETATTR -> path(((Op.SetAttrs) op).id());
            case COMMIT -> path(((Op.Commit) op).id());
            case ABORT -> "#" + ((Op.Abort) op).abortedSeq();
            case MARK, MONITOR -> "/";
        };
    }

    /** Learns the names {@code r} gave or took away (call after {@link #pathOf}). */
    public void follow(OpRecord r) {
        Op op = r.op();
        switch (op.type()) {
            case CREATE -> names.put(((Op.Create) op).id(), new Name(((Op.Create) op).parent(), ((Op.Create) op).name()));
            case MKDIR -> names.put(((Op.Mkdir) op).id(), new Name(((Op.Mkdir) op).parent(), ((Op.Mkdir) op).name()));
            case SYMLINK -> names.put(((Op.Symlink) op).id(), new Name(((Op.Symlink) op).parent(), ((Op.Symlink) op).name()));
            case MKNOD -> names.put(((Op.Mknod) op).id(), new Name(((Op.Mknod) op).parent(), ((Op.Mknod) op).name()));
            case ADOPT -> names.put(((Op.Adopt) op).id(), new Name(((Op.Adopt) op).parent(), ((Op.Adopt) op).name()));
            case LINK -> names.putIfAbsent(((Op.Link) op).id(), new Name(((Op.Link) op).parent(), ((Op.Link) op).name()));
            case RENAME -> {
                Op.Rename m = (Op.Rename) op;
                names.put(m.id(), new Name(m.toParent(), m.toName()));
                if (m.replaced() != 0) {
                    names.remove(m.replaced());
                }
            }
            case REMOVE -> forgetIfNamed(((Op.Remove) op).id(), ((Op.Remove) op).parent(), ((Op.Remove) op).name());
            case RMDIR -> forgetIfNamed(((Op.Rmdir) op).id(), ((Op.Rmdir) op).parent(), ((Op.Rmdir) op).name());
            default -> {
            }
        }
    }

    private void forgetIfNamed(long id, long parent, String name) {
        if (new Name(parent, name).equals(names.get(id))) {
            names.remove(id); // another hard link may remain, under a name we do not know
        }
    }

    /** The current path of {@code id}, or {@code #hex} where a name is unknown. */
    public String path(long id) {
        if (id == rootId) {
            return "/";
        }
        Deque<String> parts = new ArrayDeque<>();
        long cur = id;
        for (int depth = 0; cur != rootId; depth++) {
            Name n = names.get(cur);
            if (n == null || depth > MAX_DEPTH) {
                parts.push("#" + Long.toHexString(cur));
                break;
            }
            parts.push(n.name());
            cur = n.parent();
        }
        return (parts.peek() != null && parts.peek().startsWith("#") ? "" : "/") + String.join("/", parts);
    }

    private String child(long parent, String name) {
        String p = path(parent);
        return p.endsWith("/") ? p + name : p + "/" + name;
    }
}
