package dev.nfsrepl.replication.wire;

import dev.nfsrepl.replication.record.RecordFormatException;
import java.nio.ByteBuffer;

/**
 * The payload of RESYNC_END frames. {@code start}: the resync's (its RESYNC_BEGIN's); {@code asOf}:
 * the record after which the names of the copy the walk sent are exact (its contents and attributes
 * are at least as new): the backup goes on with the records after {@code asOf}.
 * <pre>
 *   resync := start:u64be asOf:u64be     ; asOf >= start
 * </pre>
 */
public record ResyncPoint(long start, long asOf) {

    public byte[] encode() {
        return ByteBuffer.allocate(16).putLong(start).putLong(asOf).array();
    }

    public static ResyncPoint decode(byte[] payload) {
        if (payload.length != 16) {
            throw new RecordFormatException("resync frame of " + payload.length + " bytes, not 16");
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long start = b.getLong();
        long end = b.getLong();
        if (start < 0 || end < start) {
            throw new RecordFormatException("resync from #" + start + " with a copy as of #" + end);
        }
        return new ResyncPoint(start, end);
    }
}
