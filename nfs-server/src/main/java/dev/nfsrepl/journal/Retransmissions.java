package dev.nfsrepl.journal;

import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The namespace changes at the end of the journal, by the client and RPC xid that asked for
 * them: what the duplicate request cache knew before a restart. A client whose REMOVE was
 * executed but whose reply was lost to a crash retransmits it (same xid) to the restarted
 * server; executed again it would fail with NOENT (or remove a file made since under that name).
 * Found here, it is answered as it was the first time. Only changes to names are kept (CREATE,
 * MKDIR, SYMLINK, MKNOD, REMOVE, RMDIR, RENAME, LINK): WRITE, SETATTR and COMMIT repeat harmlessly.
 * Changes an ABORT cancelled are left out (executed again, they fail again).
 *
 * <p>Built once when the journal opens; immutable, so thread-safe.
 */
final class Retransmissions {

    /** How far before the journal's last record retransmissions are looked for: clients resend within seconds of reconnecting. */
    static final Duration WINDOW = Duration.ofMinutes(2);
    /** At most this many changes are kept (the newest). */
    static final int MAX_ENTRIES = 64 * 1024;

    static final Retransmissions NONE = new Retransmissions(Map.of());

    private record Key(InetAddress client, int xid) {
    }

    private final Map<Key, Op> changes;

    private Retransmissions(Map<Key, Op> changes) {
        this.changes = changes;
    }

    /** Reads the records of the last {@link #WINDOW} of {@code log}. */
    static Retransmissions load(SegmentLog log) throws IOException {
        if (log.lastSeq() < log.firstSeq()) {
            return NONE;
        }
        long from = log.lastTimeMicros() - WINDOW.toNanos() / 1000;
        LinkedHashMap<Key, OpRecord> found = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, OpRecord> eldest) {
                return size() > MAX_ENTRIES;
            }
        };
        Map<Long, Key> bySeq = new HashMap<>();
        try (LogCursor c = log.readFromTime(from)) {
            for (OpRecord r; (r = c.next()) != null;) {
                InetAddress client = r.origin().client();
                if (r.op() instanceof Op.Abort a) {
                    Key k = bySeq.remove(a.abortedSeq());
                    if (k != null && found.get(k) != null && found.get(k).seq() == a.abortedSeq()) {
                        found.remove(k);
                    }
                } else if (client != null && changesNames(r.op())) {
                    Key k = new Key(client, r.origin().xid());
                    found.put(k, r);
                    bySeq.put(r.seq(), k);
                }
            }
        }
        Map<Key, Op> changes = new HashMap<>();
        found.forEach((k, r) -> changes.put(k, r.op()));
        return new Retransmissions(Map.copyOf(changes));
    }

    /** The change the request of {@code who} (client and xid) made before the restart, or null. */
    Op madeBy(Identity who) {
        if (who.client() == null || changes.isEmpty()) {
            return null;
        }
        return changes.get(new Key(who.client(), who.xid()));
    }

    int size() {
        return changes.size();
    }

    private static boolean changesNames(Op op) {
        return switch (op.type()) {
            case CREATE, MKDIR, SYMLINK, MKNOD, REMOVE, RMDIR, RENAME, LINK -> true;
            default -> false;
        };
    }
}
