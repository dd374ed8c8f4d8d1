package dev.nfsrepl.replication.wire;

import dev.nfsrepl.replication.record.RecordFormatException;
import java.nio.ByteBuffer;

/**
 * The payload of RESYNC_BEGIN: a full resync from the journal's last record {@code start}; the
 * primary keeps every record from {@code oldestKept} on (told for the logs: a backup holding the copy
 * of an interrupted resync resumes it, answering RESYNC_HAVE, whatever the journal still keeps).
 * <pre>
 *   begin := start:u64be oldestKept:u64be
 * </pre>
 */
public record ResyncBegin(long start, long oldestKept) {

    public byte[] encode() {
        return ByteBuffer.allocate(16).putLong(start).putLong(oldestKept).array();
    }

    public static ResyncBegin decode(byte[] payload) {
        if (payload.length != 16) {
            throw new RecordFormatException("RESYNC_BEGIN of " + payload.length + " bytes, not 16");
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long start = b.getLong();
        long oldest = b.getLong();
        if (start < 0 || oldest < 1 || oldest > start + 1) {
            throw new RecordFormatException("RESYNC_BEGIN from #" + start + " keeping records from #" + oldest);
        }
        return new ResyncBegin(start, oldest);
    }
}
