package dev.nfsrepl.replication.ship;

import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
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
    // a ring of consecutive records, oldest at head: a range is found by index, not by walking to it
    private OpRecord[] kept = new OpRecord[1024];
    private long[] sizes = new long[1024];
    private int head;
    private int count;
    private long bytes;

    RecentRecords(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    /** The journal's next record (called in seq order). */
    synchronized void add(OpRecord r, long size) {
        if (size > MAX_DATA + 1024 || (count > 0 && at(count - 1).seq() + 1 != r.seq())) {
            clear();
            if (size > MAX_DATA + 1024) {
                return;
            }
        }
        if (count == kept.length) {
            grow();
        }
        int i = (head + count) & (kept.length - 1);
        kept[i] = copy(r);
        sizes[i] = size;
        count++;
        bytes += size;
        while (bytes > limitBytes && count > 0) {
            bytes -= sizes[head];
            kept[head] = null;
            head = (head + 1) & (kept.length - 1);
            count--;
        }
    }

    private OpRecord at(int index) {
        return kept[(head + index) & (kept.length - 1)];
    }

    private void grow() {
        OpRecord[] k = new OpRecord[kept.length * 2];
        long[] z = new long[k.length];
        for (int i = 0; i < count; i++) {
            k[i] = at(i);
            z[i] = sizes[(head + i) & (kept.length - 1)];
        }
        kept = k;
        sizes = z;
        head = 0;
    }

    /** Records {@code from}..{@code to} when all are kept, else null. */
    synchronized List<OpRecord> get(long from, long to) {
        if (count == 0 || from > to || from < at(0).seq() || to > at(count - 1).seq()) {
            return null;
        }
        int first = (int) (from - at(0).seq());
        List<OpRecord> out = new ArrayList<>((int) (to - from + 1));
        for (int i = first; i <= first + (int) (to - from); i++) {
            out.add(at(i));
        }
        return out;
    }

    private void clear() {
        java.util.Arrays.fill(kept, null);
        head = 0;
        count = 0;
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
