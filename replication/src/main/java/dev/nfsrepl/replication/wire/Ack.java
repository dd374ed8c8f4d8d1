package dev.nfsrepl.replication.wire;

import dev.nfsrepl.replication.record.RecordFormatException;
import java.nio.ByteBuffer;

/**
 * The payload of an ACK frame: the backup holds every record up to {@code durable} on stable
 * storage and has applied those up to {@code applied} (cumulative).
 * <pre>
 *   ack := durable:u64be applied:u64be
 * </pre>
 */
public record Ack(long durable, long applied) {

    public byte[] encode() {
        return ByteBuffer.allocate(16).putLong(durable).putLong(applied).array();
    }

    public static Ack decode(byte[] payload) {
        if (payload.length != 16) {
            throw new RecordFormatException("ACK of " + payload.length + " bytes, not 16");
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long durable = b.getLong();
        long applied = b.getLong();
        if (durable < 0 || applied < 0 || applied > durable) {
            throw new RecordFormatException("ACK says durable #" + durable + ", applied #" + applied);
        }
        return new Ack(durable, applied);
    }
}
