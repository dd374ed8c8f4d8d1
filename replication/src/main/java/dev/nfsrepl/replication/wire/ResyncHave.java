package dev.nfsrepl.replication.wire;

import dev.nfsrepl.replication.record.RecordFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HexFormat;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The payload of RESYNC_HAVE, a backup's answer to RESYNC_BEGIN when it holds the copy of an
 * interrupted full resync from record {@code start}: the digest of each directory of that copy,
 * by path (SHA-256 over the directory's entries and its subdirectories' digests, as the primary
 * computes it over its own tree). The primary resumes from {@code start} and does not send the
 * subtrees whose digests equal its own.
 * <pre>
 *   have  := start:u64be count:u32be dir*
 *   dir   := pathLength:u16be path:utf8 digest:32        ; path absolute within the export ("/" the root)
 * </pre>
 */
public record ResyncHave(long start, SortedMap<String, String> digests) {

    private static final int DIGEST_BYTES = 32;

    public ResyncHave {
        digests = Collections.unmodifiableSortedMap(new TreeMap<>(digests));
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(encodedSize()).putLong(start).putInt(digests.size());
        digests.forEach((p, d) -> {
            byte[] path = p.getBytes(StandardCharsets.UTF_8);
            b.putShort((short) path.length).put(path).put(HexFormat.of().parseHex(d));
        });
        return b.array();
    }

    /** The encoded size, to check against the frame limit before sending. */
    public int encodedSize() {
        int size = 12;
        for (String p : digests.keySet()) {
            size += 2 + p.getBytes(StandardCharsets.UTF_8).length + DIGEST_BYTES;
        }
        return size;
    }

    public static ResyncHave decode(byte[] payload) {
        try {
            ByteBuffer b = ByteBuffer.wrap(payload);
            long start = b.getLong();
            int count = b.getInt();
            if (start < 0 || count < 0 || count > payload.length / (2 + 1 + DIGEST_BYTES)) {
                throw new RecordFormatException("RESYNC_HAVE from #" + start + " claiming " + count + " directories");
            }
            SortedMap<String, String> digests = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                byte[] path = new byte[b.getShort() & 0xffff];
                b.get(path);
                byte[] digest = new byte[DIGEST_BYTES];
                b.get(digest);
                String p = new String(path, StandardCharsets.UTF_8);
                if (!p.startsWith("/")) {
                    throw new RecordFormatException("RESYNC_HAVE names a directory '" + p + "', not an absolute path");
                }
                digests.put(p, HexFormat.of().formatHex(digest));
            }
            if (b.hasRemaining()) {
                throw new RecordFormatException("RESYNC_HAVE with " + b.remaining() + " bytes after its directories");
            }
            return new ResyncHave(start, digests);
        } catch (java.nio.BufferUnderflowException e) {
            throw new RecordFormatException("RESYNC_HAVE truncated");
        }
    }
}
