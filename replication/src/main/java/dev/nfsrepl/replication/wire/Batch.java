package dev.nfsrepl.replication.wire;

import dev.nfsrepl.replication.record.OpCodec;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.RecordFormatException;
import dev.nfsrepl.replication.record.RecordFrame;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The payload of a BATCH frame: consecutive records of one epoch, and how far the backup may apply.
 * <pre>
 *   batch := epoch:u32be firstSeq:u64be baseTimeMicros:u64be commitSeq:u64be count:u32be frame{count}
 *   frame := a {@link RecordFrame} (CRC32C per record); bodies decode from (firstSeq - 1, baseTimeMicros)
 * </pre>
 * {@code commitSeq} is the newest record the primary knows to be durable on a majority of the
 * cluster: a backup applies no record beyond it (it stores them, and applies them once a later
 * batch moves the point), so that a record a failover discards was applied nowhere.
 */
public record Batch(long commitSeq, List<OpRecord> records) {

    private static final int HEADER = 4 + 8 + 8 + 8 + 4;

    public Batch {
        records = List.copyOf(records);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("an empty batch");
        }
        for (int i = 1; i < records.size(); i++) {
            if (records.get(i).seq() != records.get(0).seq() + i || records.get(i).epoch() != records.get(0).epoch()) {
                throw new IllegalArgumentException("a batch holds consecutive records of one epoch; #"
                        + records.get(i).seq() + " follows #" + records.get(i - 1).seq());
            }
        }
    }

    public long firstSeq() {
        return records.get(0).seq();
    }

    public long lastSeq() {
        return records.get(records.size() - 1).seq();
    }

    public byte[] encode() {
        OpRecord first = records.get(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(HEADER).putInt(first.epoch()).putLong(first.seq()).putLong(first.timeMicros())
                .putLong(commitSeq).putInt(records.size()).array());
        OpCodec.Encoder enc = new OpCodec.Encoder(first.epoch(), first.seq(), first.timeMicros());
        Bytes<?> scratch = Bytes.allocateElasticOnHeap(256);
        for (OpRecord r : records) {
            RecordFrame.write(enc, r, scratch, out);
        }
        return out.toByteArray();
    }

    /** Decodes a BATCH payload, checking every record; anything malformed throws {@link RecordFormatException}. */
    public static Batch decode(byte[] payload) {
        if (payload.length < HEADER) {
            throw new RecordFormatException("batch of " + payload.length + " bytes has no header");
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        int epoch = b.getInt();
        long firstSeq = b.getLong();
        long baseTime = b.getLong();
        long commitSeq = b.getLong();
        int count = b.getInt();
        if (firstSeq < 1 || count < 1 || count > b.remaining() / 6) { // a frame takes at least 6 bytes
            throw new RecordFormatException("batch header is implausible: first #" + firstSeq + ", " + count
                    + " records in " + b.remaining() + " bytes");
        }
        OpCodec.Decoder dec = new OpCodec.Decoder(epoch, firstSeq, baseTime);
        List<OpRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            OpRecord r = RecordFrame.read(dec, b);
            if (r.seq() != firstSeq + i) {
                throw new RecordFormatException("batch record " + i + " is #" + r.seq() + ", expected #" + (firstSeq + i));
            }
            records.add(r);
        }
        if (b.hasRemaining()) {
            throw new RecordFormatException(b.remaining() + " bytes after the last record of the batch");
        }
        return new Batch(commitSeq, records);
    }
}
