package dev.nfsrepl.replication.record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The binary form of a record body, written with Chronicle Bytes (the layer under Chronicle Wire)
 * field by field, explicitly, with no reflection: every number is a stop-bit varint (7 bits per
 * byte, high bit = more) unless the grammar says otherwise, and the values that are large but
 * close to something already known are written as deltas against it.
 *
 * <p>Grammar (format version {@value #FORMAT_VERSION}; {@code u8}, {@code u32le} are fixed
 * width, {@code sb} is a stop-bit varint, {@code zz} zig-zags a signed value first):
 * <pre>
 *   body      := type:u8 seqDelta:sb timeDelta:sb origin op
 *                  ; seqDelta  = seq - the previous record's seq (>= 1)
 *                  ; timeDelta = timeMicros - the previous record's timeMicros (>= 0: time never goes back)
 *                  ; "previous" is the segment header's (firstSeq - 1, baseTimeMicros) for the first record
 *   origin    := uid:sb gid:sb addrLen:u8 addr:u8[addrLen] xid:u32le      ; addrLen is 0, 4 or 16
 *   id        := sb(counter &lt;&lt; 2 | back)                ; a FileId is idEpoch &lt;&lt; 48 | counter;
 *                                                        ; back = segment epoch - idEpoch, 0..2
 *              | sb(counter &lt;&lt; 2 | 3) idEpoch:sb         ; any other epoch
 *   optId     := sb(0) | sb(1 + the id's first varint) [idEpoch:sb]   ; 0 = no object
 *   time      := sb(zz(nanos - timeMicros * 1000))     ; 1 byte when it is the record's own time
 *   string    := len:sb utf8[len]
 *   data      := len:sb u8[len]
 *   attrs     := flags:u8 mode:sb [uid:sb] [gid:sb] [size:sb] [atime:time] mtime:time
 *                  ; flags: 1 = uid differs from origin.uid (present), 2 = gid differs (present),
 *                  ;        4 = size != 0 (present), 8 = atime != mtime (present)
 *   op        := CREATE  parent:id name:string id how:u8 [verifier:u64le] attrs parentMtime:time
 *                  ; how: 0 unchecked, 1 guarded, 2 exclusive; +0x80 when an existing file was reused;
 *                  ; verifier only for exclusive
 *              | MKDIR   parent:id name:string id attrs parentMtime:time
 *              | SYMLINK parent:id name:string id target:string attrs parentMtime:time
 *              | MKNOD   parent:id name:string id objectType:u8 attrs parentMtime:time
 *              | WRITE   id offset:sb stability:u8 mtime:time data
 *              | SETATTR id mask:u8 [mode:sb] [uid:sb] [gid:sb] [size:sb] [atime:time] [mtime:time]
 *                  ; mask bits 1 mode, 2 uid, 4 gid, 8 size, 16 atime, 32 mtime
 *              | REMOVE  parent:id name:string id parentMtime:time
 *              | RMDIR   parent:id name:string id parentMtime:time
 *              | RENAME  fromParent:id fromName:string toParent:id toName:string id replaced:optId
 *                        fromParentMtime:time toParentMtime:time
 *              | LINK    id parent:id name:string parentMtime:time
 *              | COMMIT  id
 *              | ADOPT   parent:id name:string id objectType:u8 attrs parentMtime:time content:data
 *   ; every name (not a symlink's target) is a name within a directory: not empty, "." or "..", no '/' or NUL
 *              | ABORT   back:sb status:sb              ; abortedSeq = seq - back
 *              | MARK    name:string                    ; a named restore point (printable, 1..200 bytes)
 *              | MONITOR on:u8 host:string client:string server:string
 *                  ; the status monitor watches (on = 1) or no longer watches (0) a lock client host;
 *                  ; client, server: numeric IPv4 or IPv6 addresses as text
 * </pre>
 * The segment log frames each body with its length and a CRC32C (see {@code SegmentFormat}).
 *
 * <p>An {@link Encoder} or {@link Decoder} carries the previous record's seq and time; one is used
 * per segment, from its first record on, by one thread at a time.
 */
public final class OpCodec {

    public static final int FORMAT_VERSION = 1;
    private static final int EPOCH_SHIFT = 48;
    private static final long COUNTER_MASK = (1L << EPOCH_SHIFT) - 1;

    private OpCodec() {
    }

    /** The values the next record's deltas are taken against: the previous record's seq and time. */
    abstract static class Position {
        final int epoch;
        long prevSeq;
        long prevTime;

        Position(int epoch, long firstSeq, long baseTimeMicros) {
            this.epoch = epoch;
            this.prevSeq = firstSeq - 1;
            this.prevTime = baseTimeMicros;
        }

        public long lastSeq() {
            return prevSeq;
        }

        public long lastTimeMicros() {
            return prevTime;
        }
    }

    /** Writes bodies; not thread-safe. */
    public static final class Encoder extends Position {

        /** For a segment of {@code epoch} whose first record will have {@code firstSeq}, base time {@code baseTimeMicros}. */
        public Encoder(int epoch, long firstSeq, long baseTimeMicros) {
            super(epoch, firstSeq, baseTimeMicros);
        }

        /**
         * Appends the body of {@code r} to {@code out}, except the bulk bytes of a WRITE or ADOPT,
         * which are returned (the caller writes them right after) so that they are never copied.
         * Returns an empty buffer for other types.
         */
        public ByteBuffer encode(OpRecord r, Bytes<?> out) {
            if (r.epoch() != epoch) {
                throw new IllegalArgumentException("record of epoch " + r.epoch() + " in a segment of epoch " + epoch);
            }
            if (r.seq() <= prevSeq) {
                throw new IllegalArgumentException("seq " + r.seq() + " after " + prevSeq);
            }
            if (r.timeMicros() < prevTime) {
                throw new IllegalArgumentException("time " + r.timeMicros() + " before " + prevTime);
            }
            Op op = r.op();
            out.writeUnsignedByte(op.type().code());
            out.writeStopBit(r.seq() - prevSeq);
            out.writeStopBit(r.timeMicros() - prevTime);
            Origin o = r.origin();
            out.writeStopBit(Integer.toUnsignedLong(o.uid()));
            out.writeStopBit(Integer.toUnsignedLong(o.gid()));
            byte[] addr = o.address();
            out.writeUnsignedByte(addr.length);
            out.write(addr);
            out.writeInt(o.xid());
            ByteBuffer bulk = new Fields(out, epoch, r.timeMicros() * 1000, o).op(op, r.seq());
            prevSeq = r.seq();
            prevTime = r.timeMicros();
            return bulk;
        }
    }

    /** Writes the fields of one op. */
    private record Fields(Bytes<?> out, int epoch, long baseNanos, Origin origin) {

        ByteBuffer op(Op op, long seq) {
            switch (op.type()) {
                case CREATE -> {
                    Op.Create c = (Op.Create) op;
                    name(c.parent(), c.name());
                    id(c.id());
                    out.writeUnsignedByte(c.how().ordinal() | (c.existed() ? 0x80 : 0));
                    if (c.how() == Op.CreateHow.EXCLUSIVE) {
                        out.writeLong(c.verifier());
                    }
                    attrs(c.attrs());
                    time(c.parentMtimeNanos());
                }
                case MKDIR -> {
                    Op.Mkdir m = (Op.Mkdir) op;
                    name(m.parent(), m.name());
                    id(m.id());
                    attrs(m.attrs());
                    time(m.parentMtimeNanos());
                }
                case SYMLINK -> {
                    Op.Symlink s = (Op.Symlink) op;
                    name(s.parent(), s.name());
                    id(s.id());
                    string(s.target());
                    attrs(s.attrs());
                    time(s.parentMtimeNanos());
                }
                case MKNOD -> {
                    Op.Mknod m = (Op.Mknod) op;
                    name(m.parent(), m.name());
                    id(m.id());
                    out.writeUnsignedByte(m.objectType().code());
                    attrs(m.attrs());
                    time(m.parentMtimeNanos());
                }
                case WRITE -> {
                    Op.Write w = (Op.Write) op;
                    id(w.id());
                    out.writeStopBit(w.offset());
                    out.writeUnsignedByte(w.stability().ordinal());
                    time(w.mtimeNanos());
                    ByteBuffer data = w.data();
                    out.writeStopBit(data.remaining());
                    return data;
                }
                case SETATTR -> {
                    Op.SetAttrs s = (Op.SetAttrs) op;
                    id(s.id());
                    int mask = (s.mode() != null ? 1 : 0) | (s.uid() != null ? 2 : 0) | (s.gid() != null ? 4 : 0)
                            | (s.size() != null ? 8 : 0) | (s.atimeNanos() != null ? 16 : 0)
                            | (s.mtimeNanos() != null ? 32 : 0);
                    out.writeUnsignedByte(mask);
                    if (s.mode() != null) {
                        out.writeStopBit(Integer.toUnsignedLong(s.mode()));
                    }
                    if (s.uid() != null) {
                        out.writeStopBit(Integer.toUnsignedLong(s.uid()));
                    }
                    if (s.gid() != null) {
                        out.writeStopBit(Integer.toUnsignedLong(s.gid()));
                    }
                    if (s.size() != null) {
                        out.writeStopBit(s.size());
                    }
                    if (s.atimeNanos() != null) {
                        time(s.atimeNanos());
                    }
                    if (s.mtimeNanos() != null) {
                        time(s.mtimeNanos());
                    }
                }
                case REMOVE -> {
                    Op.Remove r = (Op.Remove) op;
                    name(r.parent(), r.name());
                    id(r.id());
                    time(r.parentMtimeNanos());
                }
                case RMDIR -> {
                    Op.Rmdir r = (Op.Rmdir) op;
                    name(r.parent(), r.name());
                    id(r.id());
                    time(r.parentMtimeNanos());
                }
                case RENAME -> {
                    Op.Rename r = (Op.Rename) op;
                    name(r.fromParent(), r.fromName());
                    name(r.toParent(), r.toName());
                    id(r.id());
                    optId(r.replaced());
                    time(r.fromParentMtimeNanos());
                    time(r.toParentMtimeNanos());
                }
                case LINK -> {
                    Op.Link l = (Op.Link) op;
                    id(l.id());
                    name(l.parent(), l.name());
                    time(l.parentMtimeNanos());
                }
                case COMMIT -> id(((Op.Commit) op).id());
                case ADOPT -> {
                    Op.Adopt a = (Op.Adopt) op;
                    name(a.parent(), a.name());
                    id(a.id());
                    out.writeUnsignedByte(a.objectType().code());
                    attrs(a.attrs());
                    time(a.parentMtimeNanos());
                    ByteBuffer content = a.content();
                    out.writeStopBit(content.remaining());
                    return content;
                }
                case ABORT -> {
                    Op.Abort a = (Op.Abort) op;
                    if (a.abortedSeq() >= seq || a.abortedSeq() < 1) {
                        throw new IllegalArgumentException("ABORT #" + seq + " of #" + a.abortedSeq());
                    }
                    out.writeStopBit(seq - a.abortedSeq());
                    out.writeStopBit(Integer.toUnsignedLong(a.status()));
                }
                case MARK -> string(((Op.Mark) op).name());
                case MONITOR -> {
                    Op.Monitor m = (Op.Monitor) op;
                    out.writeUnsignedByte(m.on() ? 1 : 0);
                    string(m.host());
                    string(m.client());
                    string(m.server());
                }
            }
            return ByteBuffer.allocate(0);
        }

        private void id(long fileId) {
            writeId(fileId, 0);
        }

        private void optId(long fileId) {
            if (fileId == 0) {
                out.writeStopBit(0);
            } else {
                writeId(fileId, 1);
            }
        }

        private void writeId(long fileId, long plus) {
            int idEpoch = (int) (fileId >>> EPOCH_SHIFT);
            long counter = fileId & COUNTER_MASK;
            int back = epoch - idEpoch;
            if (back >= 0 && back <= 2) {
                out.writeStopBit(plus + (counter << 2 | back));
            } else {
                out.writeStopBit(plus + (counter << 2 | 3));
                out.writeStopBit(idEpoch);
            }
        }

        private void name(long parent, String name) {
            id(parent);
            string(name);
        }

        private void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeStopBit(b.length);
            out.write(b);
        }

        private void time(long nanos) {
            out.writeStopBit(zigzag(nanos - baseNanos));
        }

        private void attrs(Attrs a) {
            int flags = (a.uid() != origin.uid() ? 1 : 0) | (a.gid() != origin.gid() ? 2 : 0) | (a.size() != 0 ? 4 : 0)
                    | (a.atimeNanos() != a.mtimeNanos() ? 8 : 0);
            out.writeUnsignedByte(flags);
            out.writeStopBit(Integer.toUnsignedLong(a.mode()));
            if ((flags & 1) != 0) {
                out.writeStopBit(Integer.toUnsignedLong(a.uid()));
            }
            if ((flags & 2) != 0) {
                out.writeStopBit(Integer.toUnsignedLong(a.gid()));
            }
            if ((flags & 4) != 0) {
                out.writeStopBit(a.size());
            }
            if ((flags & 8) != 0) {
                time(a.atimeNanos());
            }
            time(a.mtimeNanos());
        }
    }

    /** Reads bodies; not thread-safe. */
    public static final class Decoder extends Position {

        public Decoder(int epoch, long firstSeq, long baseTimeMicros) {
            super(epoch, firstSeq, baseTimeMicros);
        }

        /**
         * Decodes one whole body (all of {@code in}'s readable bytes).
         *
         * @throws RecordFormatException when the bytes are not a body of this format, or are too few
         *         or too many; the decoder's state is then unchanged
         */
        public OpRecord decode(Bytes<?> in) {
            try {
                OpType type = OpType.of(in.readUnsignedByte());
                long seqDelta = in.readStopBit();
                long timeDelta = in.readStopBit();
                if (seqDelta < 1 || timeDelta < 0) {
                    throw new RecordFormatException("bad seq or time delta " + seqDelta + "/" + timeDelta);
                }
                long seq = prevSeq + seqDelta;
                long time = prevTime + timeDelta;
                int uid = u32(in.readStopBit());
                int gid = u32(in.readStopBit());
                int addrLen = in.readUnsignedByte();
                if (addrLen != 0 && addrLen != 4 && addrLen != 16) {
                    throw new RecordFormatException("bad address length " + addrLen);
                }
                byte[] addr = new byte[addrLen];
                in.read(addr);
                Origin origin = new Origin(uid, gid, addr, in.readInt());
                Op op = new Reader(in, epoch, time * 1000, origin).op(type, seq);
                if (in.readRemaining() != 0) {
                    throw new RecordFormatException(in.readRemaining() + " bytes left after a " + type + " record");
                }
                OpRecord r = new OpRecord(seq, epoch, time, origin, op);
                prevSeq = seq;
                prevTime = time;
                return r;
            } catch (RecordFormatException e) {
                throw e;
            } catch (RuntimeException e) { // underflow, Chronicle's IORuntimeException, out-of-range values
                throw new RecordFormatException("malformed record: " + e);
            }
        }
    }

    private record Reader(Bytes<?> in, int epoch, long baseNanos, Origin origin) {

        Op op(OpType type, long seq) {
            return switch (type) {
                case CREATE -> {
                    long parent = id();
                    String name = name();
                    long id = id();
                    int how = in.readUnsignedByte();
                    Op.CreateHow[] hows = Op.CreateHow.values();
                    if ((how & 0x7f) >= hows.length || (how & 0x70) != 0) {
                        throw new RecordFormatException("bad create mode " + how);
                    }
                    Op.CreateHow h = hows[how & 0x7f];
                    long verifier = h == Op.CreateHow.EXCLUSIVE ? in.readLong() : 0;
                    yield new Op.Create(parent, name, id, h, (how & 0x80) != 0, verifier, attrs(), time());
                }
                case MKDIR -> new Op.Mkdir(id(), name(), id(), attrs(), time());
                case SYMLINK -> new Op.Symlink(id(), name(), id(), string(), attrs(), time());
                case MKNOD -> new Op.Mknod(id(), name(), id(), ObjectType.of(in.readUnsignedByte()), attrs(), time());
                case WRITE -> {
                    long id = id();
                    long offset = in.readStopBit();
                    int st = in.readUnsignedByte();
                    if (st >= Op.Stability.values().length) {
                        throw new RecordFormatException("bad stability " + st);
                    }
                    long mtime = time();
                    yield new Op.Write(id, offset, data(), Op.Stability.values()[st], mtime);
                }
                case SETATTR -> {
                    long id = id();
                    int mask = in.readUnsignedByte();
                    if ((mask & ~63) != 0) {
                        throw new RecordFormatException("bad SETATTR mask " + mask);
                    }
                    yield new Op.SetAttrs(id,
                            (mask & 1) != 0 ? u32(in.readStopBit()) : null,
                            (mask & 2) != 0 ? u32(in.readStopBit()) : null,
                            (mask & 4) != 0 ? u32(in.readStopBit()) : null,
                            (mask & 8) != 0 ? nonNegative(in.readStopBit()) : null,
                            (mask & 16) != 0 ? time() : null,
                            (mask & 32) != 0 ? time() : null);
                }
                case REMOVE -> new Op.Remove(id(), name(), id(), time());
                case RMDIR -> new Op.Rmdir(id(), name(), id(), time());
                case RENAME -> {
                    long fromParent = id();
                    String fromName = name();
                    long toParent = id();
                    String toName = name();
                    long id = id();
                    long r = in.readStopBit();
                    long replaced = r == 0 ? 0 : idFrom(r - 1);
                    yield new Op.Rename(fromParent, fromName, toParent, toName, id, replaced, time(), time());
                }
                case LINK -> new Op.Link(id(), id(), name(), time());
                case COMMIT -> new Op.Commit(id());
                case ADOPT -> {
                    long parent = id();
                    String name = name();
                    long id = id();
                    ObjectType objectType = ObjectType.of(in.readUnsignedByte());
                    Attrs attrs = attrs();
                    long parentMtime = time();
                    yield new Op.Adopt(parent, name, id, objectType, attrs, data(), parentMtime);
                }
                case ABORT -> {
                    long back = in.readStopBit();
                    if (back < 1 || back >= seq) {
                        throw new RecordFormatException("ABORT #" + seq + " reaches back " + back);
                    }
                    yield new Op.Abort(seq - back, u32(in.readStopBit()));
                }
                case MARK -> {
                    try {
                        yield new Op.Mark(string());
                    } catch (IllegalArgumentException e) {
                        throw new RecordFormatException("MARK #" + seq + ": " + e.getMessage());
                    }
                }
                case MONITOR -> {
                    int on = in.readUnsignedByte();
                    if (on > 1) {
                        throw new RecordFormatException("MONITOR #" + seq + ": flag " + on);
                    }
                    try {
                        yield new Op.Monitor(string(), string(), string(), on == 1);
                    } catch (IllegalArgumentException e) {
                        throw new RecordFormatException("MONITOR #" + seq + ": " + e.getMessage());
                    }
                }
            };
        }

        private long id() {
            return idFrom(in.readStopBit());
        }

        private long idFrom(long v) {
            if (v < 0 || (v >>> 2) > COUNTER_MASK) {
                throw new RecordFormatException("bad FileId encoding " + v);
            }
            int back = (int) (v & 3);
            long idEpoch;
            if (back == 3) {
                idEpoch = in.readStopBit();
                if (idEpoch < 0 || idEpoch > 0xFFFF) {
                    throw new RecordFormatException("bad FileId epoch " + idEpoch);
                }
            } else {
                idEpoch = epoch - back;
            }
            return idEpoch << EPOCH_SHIFT | v >>> 2;
        }

        private long time() {
            return unzigzag(in.readStopBit()) + baseNanos;
        }

        private String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        /**
         * A name within a directory: never empty, "." or "..", never holding '/' or NUL, so that
         * no record, however made, reaches outside the directory it names.
         */
        private String name() {
            String n = string();
            if (n.isEmpty() || n.equals(".") || n.equals("..") || n.indexOf('/') >= 0 || n.indexOf('\0') >= 0) {
                throw new RecordFormatException("'" + n.replace("\0", "\\0") + "' is not a name within a directory");
            }
            return n;
        }

        private ByteBuffer data() {
            return ByteBuffer.wrap(bytes());
        }

        private byte[] bytes() {
            long len = in.readStopBit();
            if (len < 0 || len > in.readRemaining()) {
                throw new RecordFormatException("length " + len + " with " + in.readRemaining() + " bytes left");
            }
            byte[] b = new byte[(int) len];
            in.read(b);
            return b;
        }

        private Attrs attrs() {
            int flags = in.readUnsignedByte();
            if ((flags & ~15) != 0) {
                throw new RecordFormatException("bad attribute flags " + flags);
            }
            int mode = u32(in.readStopBit());
            int uid = (flags & 1) != 0 ? u32(in.readStopBit()) : origin.uid();
            int gid = (flags & 2) != 0 ? u32(in.readStopBit()) : origin.gid();
            long size = (flags & 4) != 0 ? nonNegative(in.readStopBit()) : 0;
            Long atime = (flags & 8) != 0 ? time() : null;
            long mtime = time();
            return new Attrs(mode, uid, gid, size, atime == null ? mtime : atime, mtime);
        }
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static int u32(long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new RecordFormatException("not a 32-bit unsigned value: " + v);
        }
        return (int) v;
    }

    private static long nonNegative(long v) {
        if (v < 0) {
            throw new RecordFormatException("negative size " + v);
        }
        return v;
    }
}
