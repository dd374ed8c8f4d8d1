package dev.nfsrepl.replication.cluster;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import dev.nfsrepl.replication.record.RecordFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The datagrams nodes send each other for elections and heartbeats, authenticated with a key
 * derived from the cluster's sync key. Big-endian:
 * <pre>
 *   datagram := "NRC1" type:u8 fromLen:u8 from:utf8 boot:u64 counter:u64 body mac:32
 *   body     := HEARTBEAT(1) epoch:u64 sentAt:u64
 *             | ACK(2)       epoch:u64 sentAt:u64
 *             | VOTE_REQ(3)  epoch:u64 lastEpoch:u64 lastSeq:u64 flags:u8   ; bit 0 hand-over, bit 1 pre-vote
 *             | VOTE(4)      epoch:u64 flags:u8                             ; bit 0 granted, bit 1 pre-vote
 *             | RELEASE(5)   epoch:u64 successorLen:u8 successor:utf8   ; successorLen 0: none
 *   mac      := HMAC-SHA256(key, everything before it)
 * </pre>
 * {@code boot} is fresh at every start of the sender and {@code counter} rises with each datagram
 * it sends, so a receiver refuses a datagram replayed within one boot ({@link Replays}). Stateless
 * and thread-safe.
 */
public final class ClusterWire {

    /** The most a datagram can be (a 255-byte name twice and the largest body). */
    public static final int MAX_BYTES = 4 + 2 + 255 + 16 + 1 + 8 + 255 + 32;

    private static final byte[] MAGIC = "NRC1".getBytes(StandardCharsets.US_ASCII);
    private static final int MAC_BYTES = 32;

    private final HashFunction hmac;

    public ClusterWire(byte[] key) {
        this.hmac = Hashing.hmacSha256(key);
    }

    /** One datagram as received. */
    public record Datagram(String from, long boot, long counter, Election.Message message) {
    }

    public byte[] encode(String from, long boot, long counter, Election.Message m) {
        byte[] name = name(from);
        ByteBuffer b = ByteBuffer.allocate(MAX_BYTES);
        b.put(MAGIC).put((byte) type(m)).put((byte) name.length).put(name).putLong(boot).putLong(counter);
        b.putLong(m.epoch());
        if (m instanceof Election.Heartbeat h) {
            b.putLong(h.sentAt());
        } else if (m instanceof Election.HeartbeatAck a) {
            b.putLong(a.sentAt());
        } else if (m instanceof Election.VoteRequest v) {
            b.putLong(v.lastEpoch()).putLong(v.lastSeq()).put((byte) ((v.handOver() ? 1 : 0) | (v.pre() ? 2 : 0)));
        } else if (m instanceof Election.Vote v) {
            b.put((byte) ((v.granted() ? 1 : 0) | (v.pre() ? 2 : 0)));
        } else if (m instanceof Election.Release r) {
            byte[] s = r.successor() == null ? new byte[0] : name(r.successor());
            b.put((byte) s.length).put(s);
        }
        b.put(hmac.hashBytes(b.array(), 0, b.position()).asBytes());
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /** The datagram in {@code bytes}; throws {@link RecordFormatException} for anything malformed or not authentic. */
    public Datagram decode(byte[] bytes) {
        if (bytes.length < MAGIC.length + 2 + MAC_BYTES || bytes.length > MAX_BYTES) {
            throw new RecordFormatException("a cluster datagram of " + bytes.length + " bytes");
        }
        int signed = bytes.length - MAC_BYTES;
        byte[] mac = hmac.hashBytes(bytes, 0, signed).asBytes();
        if (!MessageDigest.isEqual(mac, java.util.Arrays.copyOfRange(bytes, signed, bytes.length))) {
            throw new RecordFormatException("a cluster datagram whose MAC is wrong (another cluster's key, or altered)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, signed);
        try {
            byte[] magic = new byte[MAGIC.length];
            b.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new RecordFormatException("not a cluster datagram of this version");
            }
            int type = b.get();
            String from = string(b, b.get() & 0xff);
            long boot = b.getLong();
            long counter = b.getLong();
            long epoch = b.getLong();
            Election.Message m = switch (type) {
                case 1 -> new Election.Heartbeat(epoch, b.getLong());
                case 2 -> new Election.HeartbeatAck(epoch, b.getLong());
                case 3 -> {
                    long lastEpoch = b.getLong();
                    long lastSeq = b.getLong();
                    int f = flags(b.get());
                    yield new Election.VoteRequest(epoch, lastEpoch, lastSeq, (f & 1) != 0, (f & 2) != 0);
                }
                case 4 -> {
                    int f = flags(b.get());
                    yield new Election.Vote(epoch, (f & 1) != 0, (f & 2) != 0);
                }
                case 5 -> {
                    int len = b.get() & 0xff;
                    yield new Election.Release(epoch, len == 0 ? null : string(b, len));
                }
                default -> throw new RecordFormatException("unknown cluster datagram type " + type);
            };
            if (b.hasRemaining() || epoch < 0) {
                throw new RecordFormatException("a cluster datagram of type " + type + " with "
                        + b.remaining() + " bytes too many or a negative epoch");
            }
            return new Datagram(from, boot, counter, m);
        } catch (java.nio.BufferUnderflowException e) {
            throw new RecordFormatException("a truncated cluster datagram");
        }
    }

    private static int flags(byte b) {
        if ((b & ~3) != 0) {
            throw new RecordFormatException("flags " + b);
        }
        return b;
    }

    private static String string(ByteBuffer b, int len) {
        byte[] s = new byte[len];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static byte[] name(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length == 0 || n.length > 255) {
            throw new IllegalArgumentException("a node name of " + n.length + " bytes (1..255)");
        }
        return n;
    }

    private static int type(Election.Message m) {
        if (m instanceof Election.Heartbeat) {
            return 1;
        } else if (m instanceof Election.HeartbeatAck) {
            return 2;
        } else if (m instanceof Election.VoteRequest) {
            return 3;
        } else if (m instanceof Election.Vote) {
            return 4;
        }
        return 5;
    }

    /** Refuses a datagram that is not newer than the last one accepted from its sender in the same boot. Not thread-safe. */
    public static final class Replays {
        private final java.util.Map<String, long[]> last = new java.util.HashMap<>(); // from -> {boot, counter}

        public boolean fresh(Datagram d) {
            long[] l = last.get(d.from());
            if (l != null && l[0] == d.boot() && d.counter() <= l[1]) {
                return false;
            }
            last.put(d.from(), new long[] {d.boot(), d.counter()});
            return true;
        }
    }
}
