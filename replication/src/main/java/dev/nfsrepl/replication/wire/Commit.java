package dev.nfsrepl.replication.wire;

import dev.nfsrepl.replication.record.RecordFormatException;
import java.nio.ByteBuffer;

/**
 * The payload of a COMMIT frame: the backup may apply every record up to {@code seq} (once it holds
 * them); sent when the commit point moves while no batch is due to carry it.
 * <pre>
 *   commit := seq:u64be
 * </pre>
 */
public record Commit(long seq) {

    public byte[] encode() {
        return ByteBuffer.allocate(8).putLong(seq).array();
    }

    public static Commit decode(byte[] payload) {
        if (payload.length != 8) {
            throw new RecordFormatException("COMMIT of " + payload.length + " bytes, not 8");
        }
        long seq = ByteBuffer.wrap(payload).getLong();
        if (seq < 0) {
            throw new RecordFormatException("COMMIT of record #" + seq);
        }
        return new Commit(seq);
    }
}
