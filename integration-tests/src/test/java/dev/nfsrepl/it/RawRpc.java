package dev.nfsrepl.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * ONC RPC (RFC 5531) and NFSv3/MOUNT v3 (RFC 1813) messages built and parsed by hand, byte by
 * byte, over a plain {@link Socket}: independent of the server's own XDR classes, so that tests
 * using it do not check the server's encoding with itself.
 *
 * <p>Only what the integration tests need: record marking, CALL headers with AUTH_SYS, the
 * accepted-reply header, and argument/result layouts of the procedures the tests send.
 */
final class RawRpc {

    private RawRpc() {
    }

    // RFC 5531
    static final int CALL = 0;
    static final int REPLY = 1;
    static final int MSG_ACCEPTED = 0;
    static final int MSG_DENIED = 1;
    static final int SUCCESS = 0;
    static final int PROG_UNAVAIL = 1;
    static final int PROG_MISMATCH = 2;
    static final int PROC_UNAVAIL = 3;
    static final int GARBAGE_ARGS = 4;
    static final int AUTH_NONE = 0;
    static final int AUTH_SYS = 1;
    static final int LAST_FRAGMENT = 0x80000000;

    // RFC 1813
    static final int NFS_PROG = 100003;
    static final int MOUNT_PROG = 100005;
    static final int V3 = 3;

    static final int NULL = 0;
    static final int GETATTR = 1;
    static final int SETATTR = 2;
    static final int LOOKUP = 3;
    static final int ACCESS = 4;
    static final int READLINK = 5;
    static final int READ = 6;
    static final int WRITE = 7;
    static final int CREATE = 8;
    static final int MKDIR = 9;
    static final int SYMLINK = 10;
    static final int MKNOD = 11;
    static final int REMOVE = 12;
    static final int RMDIR = 13;
    static final int RENAME = 14;
    static final int LINK = 15;
    static final int READDIR = 16;
    static final int READDIRPLUS = 17;
    static final int FSSTAT = 18;
    static final int FSINFO = 19;
    static final int PATHCONF = 20;
    static final int COMMIT = 21;
    static final int MOUNTPROC_MNT = 1;

    static final int NFS3_OK = 0;
    static final int NFS3ERR_NOENT = 2;
    static final int NFS3ERR_ACCES = 13;
    static final int NFS3ERR_EXIST = 17;
    static final int NFS3ERR_NOTDIR = 20;
    static final int NFS3ERR_ISDIR = 21;
    static final int NFS3ERR_INVAL = 22;
    static final int NFS3ERR_NAMETOOLONG = 63;
    static final int NFS3ERR_NOTEMPTY = 66;
    static final int NFS3ERR_STALE = 70;
    static final int NFS3ERR_BADHANDLE = 10001;
    static final int NFS3ERR_BADTYPE = 10007;

    static final int UNCHECKED = 0;
    static final int GUARDED = 1;
    static final int EXCLUSIVE = 2;

    static final int NF3REG = 1;
    static final int NF3DIR = 2;
    static final int NF3LNK = 5;

    /** An nfsrepl handle: "NFR1", fsid, generation, fileId (see FileHandle in nfs-server; rebuilt here by hand). */
    static byte[] nfsreplHandle(int fsid, int generation, long fileId) {
        return ByteBuffer.allocate(20).putInt(0x4e465231).putInt(fsid).putInt(generation).putLong(fileId).array();
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    // ------------------------------------------------------------------ XDR encoding

    /** XDR encoder (RFC 4506): big-endian 4-byte units, opaque/string data padded to 4 bytes. */
    static final class Out {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Out u32(int v) {
            b.write(v >>> 24);
            b.write(v >>> 16);
            b.write(v >>> 8);
            b.write(v);
            return this;
        }

        Out u64(long v) {
            return u32((int) (v >>> 32)).u32((int) v);
        }

        Out bool(boolean v) {
            return u32(v ? 1 : 0);
        }

        /** Fixed-length opaque: the bytes and padding, no length. */
        Out fixed(byte[] v) {
            b.writeBytes(v);
            for (int i = v.length; (i & 3) != 0; i++) {
                b.write(0);
            }
            return this;
        }

        /** Variable-length opaque: length, bytes, padding. */
        Out opaque(byte[] v) {
            return u32(v.length).fixed(v);
        }

        Out string(String s) {
            return opaque(s.getBytes(StandardCharsets.UTF_8));
        }

        Out raw(byte[] v) {
            b.writeBytes(v);
            return this;
        }

        /** sattr3 with nothing set. */
        Out emptySattr() {
            return u32(0).u32(0).u32(0).u32(0).u32(0).u32(0);
        }

        /** sattr3 setting only the mode. */
        Out sattrMode(int mode) {
            return u32(1).u32(mode).u32(0).u32(0).u32(0).u32(0).u32(0);
        }

        byte[] bytes() {
            return b.toByteArray();
        }
    }

    /** An AUTH_SYS (flavor 1) credential: opaque_auth whose body is stamp, machinename, uid, gid, gids. */
    static byte[] authSys(int stamp, String machine, int uid, int gid, int... gids) {
        Out body = new Out().u32(stamp).string(machine).u32(uid).u32(gid).u32(gids.length);
        for (int g : gids) {
            body.u32(g);
        }
        return new Out().u32(AUTH_SYS).opaque(body.bytes()).bytes();
    }

    /** The credential every test call carries: AUTH_SYS root. */
    static final byte[] ROOT = authSys(0x5eed, "nfsrepl-it", 0, 0);

    /** A CALL message (without record marking): header with {@code cred}, AUTH_NONE verifier, then {@code args}. */
    static byte[] callMessage(int xid, int prog, int vers, int proc, byte[] cred, byte[] args) {
        return new Out().u32(xid).u32(CALL).u32(2).u32(prog).u32(vers).u32(proc)
                .raw(cred).u32(AUTH_NONE).u32(0).raw(args).bytes();
    }

    /** {@code message} as one last fragment (RFC 5531 section 11). */
    static byte[] record(byte[] message) {
        return ByteBuffer.allocate(4 + message.length).putInt(LAST_FRAGMENT | message.length).put(message).array();
    }

    static byte[] nfsCall(int xid, int proc, byte[] args) {
        return record(callMessage(xid, NFS_PROG, V3, proc, ROOT, args));
    }

    // ------------------------------------------------------------------ XDR decoding

    /** XDR decoder over a reply body. */
    static final class In {
        final ByteBuffer b;

        In(ByteBuffer b) {
            this.b = b;
        }

        int u32() {
            return b.getInt();
        }

        long u64() {
            return b.getLong();
        }

        boolean bool() {
            int v = b.getInt();
            if (v != 0 && v != 1) {
                throw new IllegalStateException("XDR boolean " + v);
            }
            return v == 1;
        }

        byte[] opaque() {
            int n = b.getInt();
            if (n < 0 || n > b.remaining()) {
                throw new IllegalStateException("opaque length " + n + " with " + b.remaining() + " bytes left");
            }
            byte[] v = new byte[n];
            b.get(v);
            b.position(b.position() + ((4 - (n & 3)) & 3));
            return v;
        }

        String string() {
            return new String(opaque(), StandardCharsets.UTF_8);
        }

        Fattr fattr() {
            return new Fattr(u32(), u32(), u32(), u32(), u32(), u64(), u64(), u32(), u32(), u64(), u64(),
                    u32(), u32(), u32(), u32(), u32(), u32());
        }

        /** post_op_attr: the attributes or null. */
        Fattr postOpAttr() {
            return bool() ? fattr() : null;
        }

        /** pre_op_attr: skipped. */
        void skipPreOp() {
            if (bool()) {
                b.position(b.position() + 8 + 8 + 8);
            }
        }

        void skipWcc() {
            skipPreOp();
            postOpAttr();
        }

        byte[] postOpFh() {
            return bool() ? opaque() : null;
        }

        int remaining() {
            return b.remaining();
        }
    }

    /** fattr3. */
    record Fattr(int type, int mode, int nlink, int uid, int gid, long size, long used, int rdev1, int rdev2,
                 long fsid, long fileid, int atimeS, int atimeNs, int mtimeS, int mtimeNs, int ctimeS, int ctimeNs) {
    }

    /** An RPC reply: the header fields and, for an accepted reply, the procedure's result. */
    record Reply(byte[] raw, int xid, int msgType, int replyStat, int verfFlavor, byte[] verfBody, int acceptStat,
                 ByteBuffer result) {

        static Reply parse(byte[] raw) {
            ByteBuffer b = ByteBuffer.wrap(raw);
            int xid = b.getInt();
            int type = b.getInt();
            int stat = b.getInt();
            if (stat != MSG_ACCEPTED) {
                return new Reply(raw, xid, type, stat, -1, null, -1, b.slice());
            }
            int flavor = b.getInt();
            int len = b.getInt();
            byte[] verf = new byte[len];
            b.get(verf);
            b.position(b.position() + ((4 - (len & 3)) & 3));
            int accept = b.getInt();
            return new Reply(raw, xid, type, stat, flavor, verf, accept, b.slice());
        }

        In in() {
            return new In(result.duplicate());
        }

        /** The nfsstat3 / mountstat3 that starts every result. */
        int status() {
            return result.getInt(0);
        }

        boolean acceptedSuccess() {
            return msgType == REPLY && replyStat == MSG_ACCEPTED && acceptStat == SUCCESS;
        }

        @Override
        public String toString() {
            return "Reply[xid=" + Integer.toHexString(xid) + " type=" + msgType + " replyStat=" + replyStat
                    + " accept=" + acceptStat + " bytes=" + hex(raw) + "]";
        }
    }

    // ------------------------------------------------------------------ transport

    /** One TCP connection to the server, sending record-marked messages and reading whole records. */
    static final class Conn implements AutoCloseable {
        final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        private Conn(Socket s) throws IOException {
            this.socket = s;
            this.in = new DataInputStream(s.getInputStream());
            this.out = s.getOutputStream();
        }

        static Conn open(int port, Duration readTimeout) throws IOException {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) readTimeout.toMillis());
            return new Conn(s);
        }

        static Conn open(int port) throws IOException {
            return open(port, Duration.ofSeconds(20));
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /**
         * Reads one record (all its fragments). Throws {@link EOFException} when the server closed
         * the connection and {@link SocketTimeoutException} when nothing came within the read timeout.
         */
        byte[] readRecord() throws IOException {
            ByteArrayOutputStream msg = new ByteArrayOutputStream();
            while (true) {
                int header = in.readInt();
                int len = header & 0x7fffffff;
                if (len > 16 * 1024 * 1024) {
                    throw new IOException("server sent a fragment header claiming " + len + " bytes");
                }
                byte[] frag = new byte[len];
                in.readFully(frag);
                msg.writeBytes(frag);
                if ((header & LAST_FRAGMENT) != 0) {
                    return msg.toByteArray();
                }
            }
        }

        /** The next fragment exactly as it came off the wire, header included; it must be a last fragment. */
        byte[] readRawFragment() throws IOException {
            int header = in.readInt();
            int len = header & 0x7fffffff;
            if (len > 16 * 1024 * 1024) {
                throw new IOException("server sent a fragment header claiming " + len + " bytes");
            }
            byte[] all = new byte[4 + len];
            ByteBuffer.wrap(all).putInt(header);
            in.readFully(all, 4, len);
            return all;
        }

        Reply readReply() throws IOException {
            return Reply.parse(readRecord());
        }

        /** Sends a record-marked message and reads the reply, which must carry the same xid. */
        Reply call(byte[] record) throws IOException {
            int xid = ByteBuffer.wrap(record).getInt(4);
            send(record);
            Reply r = readReply();
            if (r.xid() != xid) {
                throw new IOException("reply xid " + Integer.toHexString(r.xid()) + " to call xid "
                        + Integer.toHexString(xid));
            }
            return r;
        }

        /** An NFS call with a fresh xid, expecting an accepted, successful RPC reply. */
        Reply nfs(int proc, byte[] args) throws IOException {
            Reply r = call(nfsCall(nextXid(), proc, args));
            if (!r.acceptedSuccess()) {
                throw new IOException("NFS procedure " + proc + " not accepted: " + r);
            }
            return r;
        }

        /**
         * Waits until the server closes the connection: true on EOF or reset, false when it still
         * sends or stays silent past the read timeout.
         */
        boolean closedByServer() {
            try {
                InputStream is = socket.getInputStream();
                byte[] buf = new byte[8192];
                while (true) {
                    int n = is.read(buf);
                    if (n < 0) {
                        return true;
                    }
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // connection reset
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static int xid = (int) (System.nanoTime() & 0x0fffffff) | 0x10000000;

    static synchronized int nextXid() {
        return xid++;
    }

    // ------------------------------------------------------------------ procedures

    /** MOUNT v3 MNT: the root handle of {@code path}, or an exception with the mountstat3. */
    static byte[] mount(int mountPort, String path) throws IOException {
        try (Conn c = Conn.open(mountPort)) {
            Reply r = c.call(record(callMessage(nextXid(), MOUNT_PROG, V3, MOUNTPROC_MNT, ROOT,
                    new Out().string(path).bytes())));
            if (!r.acceptedSuccess()) {
                throw new IOException("MNT " + path + " not accepted: " + r);
            }
            In in = r.in();
            int status = in.u32();
            if (status != 0) {
                throw new MountFailed(status, "MNT " + path + " failed with mountstat3 " + status);
            }
            return in.opaque();
        }
    }

    static final class MountFailed extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;

        MountFailed(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    static byte[] fhArg(byte[] fh) {
        return new Out().opaque(fh).bytes();
    }

    static byte[] dirOpArgs(byte[] dir, byte[] name) {
        return new Out().opaque(dir).opaque(name).bytes();
    }

    static byte[] dirOpArgs(byte[] dir, String name) {
        return dirOpArgs(dir, name.getBytes(StandardCharsets.UTF_8));
    }

    /** CREATE3args with mode UNCHECKED/GUARDED and empty attributes. */
    static byte[] createArgs(byte[] dir, byte[] name, int how) {
        return new Out().raw(dirOpArgs(dir, name)).u32(how).emptySattr().bytes();
    }

    static byte[] createArgs(byte[] dir, String name, int how) {
        return createArgs(dir, name.getBytes(StandardCharsets.UTF_8), how);
    }

    static byte[] exclusiveCreateArgs(byte[] dir, String name, byte[] verifier) {
        if (verifier.length != 8) {
            throw new IllegalArgumentException("createverf3 is 8 bytes");
        }
        return new Out().raw(dirOpArgs(dir, name)).u32(EXCLUSIVE).raw(verifier).bytes();
    }

    static byte[] renameArgs(byte[] fromDir, String from, byte[] toDir, String to) {
        return new Out().raw(dirOpArgs(fromDir, from)).raw(dirOpArgs(toDir, to)).bytes();
    }

    static byte[] readArgs(byte[] fh, long offset, int count) {
        return new Out().opaque(fh).u64(offset).u32(count).bytes();
    }

    static byte[] writeArgs(byte[] fh, long offset, int stable, byte[] data) {
        return new Out().opaque(fh).u64(offset).u32(data.length).u32(stable).opaque(data).bytes();
    }

    static byte[] setattrSizeArgs(byte[] fh, long size) {
        return new Out().opaque(fh).u32(0).u32(0).u32(0).u32(1).u64(size).u32(0).u32(0).u32(0).bytes();
    }

    static byte[] setattrModeArgs(byte[] fh, int mode) {
        return new Out().opaque(fh).sattrMode(mode).u32(0).bytes();
    }

    static byte[] readdirArgs(byte[] dir, long cookie, int count) {
        return new Out().opaque(dir).u64(cookie).u64(0).u32(count).bytes();
    }

    /** A LOOKUP or CREATE-style result: status, and for success the handle and attributes. */
    record Looked(int status, byte[] fh, Fattr attr) {
    }

    static Looked lookup(Conn c, byte[] dir, String name) throws IOException {
        return lookup(c, dir, name.getBytes(StandardCharsets.UTF_8));
    }

    static Looked lookup(Conn c, byte[] dir, byte[] name) throws IOException {
        In in = c.nfs(LOOKUP, dirOpArgs(dir, name)).in();
        int status = in.u32();
        if (status != NFS3_OK) {
            return new Looked(status, null, null);
        }
        byte[] fh = in.opaque();
        Fattr a = in.postOpAttr();
        return new Looked(status, fh, a);
    }

    /** Parses a CREATE/MKDIR/SYMLINK/MKNOD result. */
    static Looked created(Reply r) {
        In in = r.in();
        int status = in.u32();
        if (status != NFS3_OK) {
            return new Looked(status, null, null);
        }
        byte[] fh = in.postOpFh();
        Fattr a = in.postOpAttr();
        return new Looked(status, fh, a);
    }

    /** GETATTR: the status and, on success, the attributes. */
    record Got(int status, Fattr attr) {
    }

    static Got getattr(Conn c, byte[] fh) throws IOException {
        In in = c.nfs(GETATTR, fhArg(fh)).in();
        int status = in.u32();
        return new Got(status, status == NFS3_OK ? in.fattr() : null);
    }

    /** Status of the first word of a result (every NFSv3 result starts with nfsstat3). */
    static int status(Conn c, int proc, byte[] args) throws IOException {
        return c.nfs(proc, args).status();
    }

    /** The bytes of a reply written out by hand: record mark, xid, REPLY, MSG_ACCEPTED, AUTH_NONE verifier, SUCCESS, body. */
    static byte[] acceptedReplyRecord(int xid, int... bodyWords) {
        Out o = new Out().u32(xid).u32(REPLY).u32(MSG_ACCEPTED).u32(AUTH_NONE).u32(0).u32(SUCCESS);
        for (int w : bodyWords) {
            o.u32(w);
        }
        return record(o.bytes());
    }

    static String describe(byte[] a) {
        return a == null ? "null" : hex(Arrays.copyOf(a, Math.min(a.length, 256)));
    }
}
