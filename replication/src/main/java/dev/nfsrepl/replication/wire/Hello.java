package dev.nfsrepl.replication.wire;

import dev.nfsrepl.replication.record.RecordFormatException;
import java.nio.ByteBuffer;

/**
 * The payload of a HELLO frame, the primary's first frame after the handshake: the identity of
 * the export it replicates, so that a new backup gives its tree the same root FileId and handle
 * generation (its handles are then valid on every node), and a backup holding another export
 * refuses the primary instead of mixing two trees.
 * <pre>
 *   hello := rootId:u64be generation:u32be
 * </pre>
 */
public record Hello(long rootId, int generation) {

    public byte[] encode() {
        return ByteBuffer.allocate(12).putLong(rootId).putInt(generation).array();
    }

    public static Hello decode(byte[] payload) {
        if (payload.length != 12) {
            throw new RecordFormatException("HELLO of " + payload.length + " bytes, not 12");
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long root = b.getLong();
        if (root == 0) {
            throw new RecordFormatException("HELLO names root FileId 0");
        }
        return new Hello(root, b.getInt());
    }

    @Override
    public String toString() {
        return "export root " + Long.toHexString(rootId) + " generation " + Integer.toHexString(generation);
    }
}
