package dev.nfsrepl.journal;

import dev.nfsrepl.replication.record.Attrs;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A record as people and scripts read it: named fields (for JSON) and one line of text. */
final class RecordView {

    private RecordView() {
    }

    static String time(long micros) {
        return Instant.ofEpochSecond(0, micros * 1000).toString();
    }

    /**
     * Fields in a stable order: seq, time, op, path (as of just before the record), {@code to} (a
     * RENAME's destination), then the origin and the op's own fields.
     */
    static Map<String, Object> fields(OpRecord r, String path, String to) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", r.seq());
        m.put("time", time(r.timeMicros()));
        m.put("op", r.type().name());
        m.put("path", path);
        if (to != null) {
            m.put("to", to);
        }
        m.put("epoch", r.epoch());
        InetAddress c = r.origin().client();
        m.put("client", c == null ? "server" : c.getHostAddress());
        m.put("uid", Integer.toUnsignedLong(r.origin().uid()));
        m.put("gid", Integer.toUnsignedLong(r.origin().gid()));
        m.put("xid", Integer.toUnsignedString(r.origin().xid(), 16));
        Op op = r.op();
        switch (op.type()) {
            case CREATE -> {
                Op.Create x = (Op.Create) op;
                id(m, "id", x.id());
                m.put("how", x.how().name());
                if (x.existed()) {
                    m.put("existed", true);
                }
                attrs(m, x.attrs());
            }
            case MKDIR -> {
                id(m, "id", ((Op.Mkdir) op).id());
                attrs(m, ((Op.Mkdir) op).attrs());
            }
            case SYMLINK -> {
                id(m, "id", ((Op.Symlink) op).id());
                m.put("target", ((Op.Symlink) op).target());
                attrs(m, ((Op.Symlink) op).attrs());
            }
            case MKNOD -> {
                id(m, "id", ((Op.Mknod) op).id());
                m.put("type", ((Op.Mknod) op).objectType().name());
                attrs(m, ((Op.Mknod) op).attrs());
            }
            case WRITE -> {
                Op.Write w = (Op.Write) op;
                id(m, "id", w.id());
                m.put("offset", w.offset());
                m.put("count", w.data().remaining());
                m.put("stable", w.stability().name());
            }
            case SETATTR -> {
                Op.SetAttrs s = (Op.SetAttrs) op;
                id(m, "id", s.id());
                if (s.mode() != null) {
                    m.put("mode", Integer.toOctalString(s.mode()));
                }
                if (s.uid() != null) {
                    m.put("owner", Integer.toUnsignedLong(s.uid()));
                }
                if (s.gid() != null) {
                    m.put("group", Integer.toUnsignedLong(s.gid()));
                }
                if (s.size() != null) {
                    m.put("size", s.size());
                }
                if (s.atimeNanos() != null) {
                    m.put("atime", nanosTime(s.atimeNanos()));
                }
                if (s.mtimeNanos() != null) {
                    m.put("mtime", nanosTime(s.mtimeNanos()));
                }
            }
            case REMOVE -> id(m, "id", ((Op.Remove) op).id());
            case RMDIR -> id(m, "id", ((Op.Rmdir) op).id());
            case RENAME -> {
                id(m, "id", ((Op.Rename) op).id());
                if (((Op.Rename) op).replaced() != 0) {
                    id(m, "replaced", ((Op.Rename) op).replaced());
                }
            }
            case LINK -> id(m, "id", ((Op.Link) op).id());
            case COMMIT -> id(m, "id", ((Op.Commit) op).id());
            case ADOPT -> {
                id(m, "id", ((Op.Adopt) op).id());
                m.put("type", ((Op.Adopt) op).objectType().name());
                attrs(m, ((Op.Adopt) op).attrs());
            }
            case ABORT -> {
                m.put("aborted", ((Op.Abort) op).abortedSeq());
                m.put("status", ((Op.Abort) op).status());
            }
            case MARK -> m.put("name", ((Op.Mark) op).name());
            case MONITOR -> {
                Op.Monitor x = (Op.Monitor) op;
                m.put("host", x.host());
                m.put("client", x.client());
                m.put("server", x.server());
                m.put("monitored", x.on());
            }
        }
        return m;
    }

    private static void id(Map<String, Object> m, String key, long id) {
        m.put(key, Long.toHexString(id));
    }

    private static void attrs(Map<String, Object> m, Attrs a) {
        m.put("mode", Integer.toOctalString(a.mode()));
        m.put("owner", Integer.toUnsignedLong(a.uid()) + ":" + Integer.toUnsignedLong(a.gid()));
        if (a.size() != 0) {
            m.put("size", a.size());
        }
        m.put("mtime", nanosTime(a.mtimeNanos()));
    }

    private static String nanosTime(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
    }
}
