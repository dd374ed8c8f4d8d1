package dev.nfsrepl.replication.ship;

import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The newest records of the journal, in memory, so that a link streaming to a backup that keeps
 * up sends them without reading and decoding them from the journal again. Bounded by bytes; a
 * record with more than {@link #MAX_DATA} bytes of data is not kept (the journal has it), which
 * breaks the run: ranges that reach over it are read from the journal. Data is copied, so a
 * kept record never shares a buffer with the request that made it.
 *
 * <p>Thread-safe.
 */
final class RecentRecords {

    static final int MAX_DATA = 64 * 1024;

    private final long limitBytes;
    private final ArrayDeque<OpRecord> kept = new ArrayDeque<>(); // consecutive seqs
    private final ArrayDeque<Long> sizes = new ArrayDeque<>();
    private long bytes;

    RecentRecords(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    /** The journal's next record (called in seq order). */
    synchronized void add(OpRecord r, long size) {
        OpRecord last = kept.peekLast();
        if (size > MAX_DATA + 1024 || (last != null && last.seq() + 1 != r.seq())) {
            clear();
            if (size > MAX_DATA + 1024) {
                return;
            }
        }
        kept.addLast(copy(r));
        sizes.addLast(size);
        bytes += size;
        while (bytes > limitBytes && !kept.isEmpty()) {
            kept.removeFirst();
            bytes -= sizes.removeFirst();
        }
    }

    /** Records {@code from}..{@code to} when all are kept, else null. */
    synchronized List<OpRecord> get(long from, long to) {
        OpRecord first = kept.peekFirst();
        OpRecord last = kept.peekLast();
        if (first == null || from < first.seq() || to > last.seq() || from > to) {
            return null;
        }
        List<OpRecord> out = new ArrayList<>((int) (to - from + 1));
        Iterator<OpRecord> it = kept.iterator();
        for (long skip = from - first.seq(); skip > 0; skip--) {
            it.next();
        }
        for (long s = from; s <= to; s++) {
            out.add(it.next());
        }
        return out;
    }

    private void clear() {
        kept.clear();
        sizes.clear();
        bytes = 0;
    }

    private static OpRecord copy(OpRecord r) {
        Op op = r.op();
        if (op instanceof Op.Write w) {
            op = new Op.Write(w.id(), w.offset(), copy(w.data()), w.stability(), w.mtimeNanos());
        } else if (op instanceof Op.Adopt a) {
            op = new Op.Adopt(a.parent(), a.name(), a.id(), a.objectType(), a.attrs(), copy(a.content()),
                    a.parentMtimeNanos());
        } else {
            return r;
        }
        return new OpRecord(r.seq(), r.epoch(), r.timeMicros(), r.origin(), op);
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c.asReadOnlyBuffer();
    }
}
