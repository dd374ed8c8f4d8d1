package dev.nfsrepl.replication.wire;

import dev.nfsrepl.replication.record.RecordFormatException;
import java.nio.ByteBuffer;

/**
 * The payload of an ACK frame: the backup holds every record up to {@code durable} on stable
 * storage and has applied those up to {@code applied} (cumulative); {@code diverged} says that its
 * applying stopped on a record it could not apply (it keeps receiving); {@code wantsResync} that its
 * copy must be replaced by a full resync (it held records the primary does not: an old primary's).
 * <pre>
 *   ack   := durable:u64be applied:u64be flags:u8
 *   flags := bit 0: diverged; bit 1: wants a full resync; other bits zero
 * </pre>
 */
public record Ack(long durable, long applied, boolean diverged, boolean wantsResync) {

    private static final int BYTES = 17;
    private static final int DIVERGED = 1;
    private static final int WANTS_RESYNC = 2;

    public Ack(long durable, long applied) {
        this(durable, applied, false, false);
    }

    public Ack(long durable, long applied, boolean diverged) {
        this(durable, applied, diverged, false);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(BYTES).putLong(durable).putLong(applied)
                .put((byte) ((diverged ? DIVERGED : 0) | (wantsResync ? WANTS_RESYNC : 0))).array();
    }

    public static Ack decode(byte[] payload) {
        if (payload.length != BYTES) {
            throw new RecordFormatException("ACK of " + payload.length + " bytes, not " + BYTES);
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long durable = b.getLong();
        long applied = b.getLong();
        int flags = b.get() & 0xff;
        if (durable < 0 || applied < 0 || applied > durable || (flags & ~(DIVERGED | WANTS_RESYNC)) != 0) {
            throw new RecordFormatException("ACK says durable #" + durable + ", applied #" + applied + ", flags "
                    + flags);
        }
        return new Ack(durable, applied, (flags & DIVERGED) != 0, (flags & WANTS_RESYNC) != 0);
    }
}
