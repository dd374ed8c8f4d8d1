package dev.nfsrepl.replication.wire;

import dev.nfsrepl.replication.record.RecordFormatException;
import java.nio.ByteBuffer;

/**
 * The payload of RESYNC_END frames. A full resync walks the primary's live tree:
 * the copy it gives holds every change up to {@code start} and, in part, those up to
 * {@code walkEnd}; the records after {@code start} are then applied again, idempotently, and up to
 * {@code walkEnd} a record the walk already overtook counts as done.
 * <pre>
 *   resync := start:u64be walkEnd:u64be
 * </pre>
 */
public record ResyncPoint(long start, long walkEnd) {

    public byte[] encode() {
        return ByteBuffer.allocate(16).putLong(start).putLong(walkEnd).array();
    }

    public static ResyncPoint decode(byte[] payload) {
        if (payload.length != 16) {
            throw new RecordFormatException("resync frame of " + payload.length + " bytes, not 16");
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long start = b.getLong();
        long end = b.getLong();
        if (start < 0 || (end != 0 && end < start)) {
            throw new RecordFormatException("resync from #" + start + " with a walk ending at #" + end);
        }
        return new ResyncPoint(start, end);
    }
}
