package dev.nfsrepl.replication.wire;

import dev.nfsrepl.replication.cluster.EpochHistory;
import dev.nfsrepl.replication.record.RecordFormatException;
import java.nio.ByteBuffer;

/**
 * The payload of a HELLO frame, the primary's first frame after the handshake: the identity of
 * the export it replicates, so that a new backup gives its tree the same root FileId and handle
 * generation (its handles are then valid on every node), and a backup holding another export
 * refuses the primary instead of mixing two trees; and, in a cluster with failover, the primary's
 * epoch and its history of epochs (0 and none outside one): a backup that knows a newer epoch
 * refuses the primary, and a backup that wrote records of its own as an earlier primary finds where
 * its journal forked from this one's.
 * <pre>
 *   hello   := rootId:u64be generation:u32be epoch:u64be count:u16be (epoch:u64be firstSeq:u64be){count}
 * </pre>
 */
public record Hello(long rootId, int generation, long epoch, EpochHistory history) {

    private static final int MAX_HISTORY = 4096;

    /** Outside a cluster: epoch 0, no history. */
    public Hello(long rootId, int generation) {
        this(rootId, generation, 0, EpochHistory.EMPTY);
    }

    /** The same export, as a primary of {@code epoch} with {@code history} names it. */
    public Hello of(long epoch, EpochHistory history) {
        return new Hello(rootId, generation, epoch, history);
    }

    public byte[] encode() {
        var starts = history.starts();
        ByteBuffer b = ByteBuffer.allocate(22 + 16 * starts.size()).putLong(rootId).putInt(generation).putLong(epoch)
                .putShort((short) starts.size());
        for (EpochHistory.Start s : starts) {
            b.putLong(s.epoch()).putLong(s.firstSeq());
        }
        return b.array();
    }

    public static Hello decode(byte[] payload) {
        if (payload.length < 22 || (payload.length - 22) % 16 != 0) {
            throw new RecordFormatException("HELLO of " + payload.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        long root = b.getLong();
        if (root == 0) {
            throw new RecordFormatException("HELLO names root FileId 0");
        }
        int generation = b.getInt();
        long epoch = b.getLong();
        int count = b.getShort() & 0xffff;
        if (count != (payload.length - 22) / 16 || count > MAX_HISTORY || epoch < 0) {
            throw new RecordFormatException("HELLO of epoch " + epoch + " with " + count + " history entries in "
                    + payload.length + " bytes");
        }
        EpochHistory h = EpochHistory.EMPTY;
        try {
            for (int i = 0; i < count; i++) {
                h = h.begin(b.getLong(), b.getLong());
            }
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException("HELLO with a history out of order: " + e.getMessage());
        }
        if (h.lastEpoch() > epoch) {
            throw new RecordFormatException("HELLO of epoch " + epoch + " with a history up to epoch " + h.lastEpoch());
        }
        return new Hello(root, generation, epoch, h);
    }

    /** The same export (root identity) as {@code o}, whatever the epochs. */
    public boolean sameExport(Hello o) {
        return rootId == o.rootId && generation == o.generation;
    }

    @Override
    public String toString() {
        return "export root " + Long.toHexString(rootId) + " generation " + Integer.toHexString(generation)
                + (epoch == 0 ? "" : ", epoch " + epoch + " (history " + history + ")");
    }
}
