package dev.nfsrepl.it;

import dev.nfsrepl.nfs.xdr.*;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.dcache.oncrpc4j.xdr.Xdr;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.glassfish.grizzly.Buffer;

/**
 * A small synchronous ONC RPC client over one plain TCP socket for the integration tests of
 * exports, permissions and robustness: it can bind the socket to a chosen local address and port
 * (127.0.0.2, or a privileged port since the tests run as root) and send AUTH_SYS credentials
 * of any uid/gid, which the libnfs tools and oncrpc4j's client cannot all do.
 *
 * <p>Wire format (RFC 5531): each call is one record (4-byte record mark with the last-fragment
 * bit, then the message); {@code call = xid, 0 (CALL), 2 (rpcvers), prog, vers, proc, cred,
 * verf, args}; {@code cred = AUTH_SYS(1), opaque<400>(stamp, machinename, uid, gid, gids<16>)}
 * or AUTH_NONE; the verifier is AUTH_NONE. Arguments and results are encoded with the server's
 * own RFC 1813 XDR classes.
 *
 * <p>Not thread-safe: one client per thread (each with its own connection).
 */
public final class ItRpcClient implements AutoCloseable {

    /** An RPC that was not answered with an accepted SUCCESS (denied, PROG_UNAVAIL, GARBAGE_ARGS, ...). */
    public static final class RpcRejected extends IOException {
        private static final long serialVersionUID = 1L;

        RpcRejected(String message) {
            super(message);
        }
    }

    private static final int CALL = 0;
    private static final int REPLY = 1;
    private static final int MSG_ACCEPTED = 0;
    private static final int SUCCESS = 0;
    private static final int AUTH_NONE = 0;
    private static final int AUTH_SYS = 1;
    private static final int READ_TIMEOUT_MS = 120_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final int program;
    private int xid = ThreadLocalRandom.current().nextInt();
    private boolean authSys = true;
    private int uid;
    private int gid;
    private int version = 3; // of the program called (NFS and MOUNT: 3; NLM: 4)
    private int[] gids = new int[0];

    private ItRpcClient(Socket socket, int program) throws IOException {
        this.socket = socket;
        this.program = program;
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024));
        this.out = socket.getOutputStream();
    }

    /** An NFS client connected from 127.0.0.1 (ephemeral port) to the NFS port, as root. */
    public static ItRpcClient nfs(int nfsPort) throws IOException {
        return connect(nfs3_prot.NFS_PROGRAM, InetAddress.getLoopbackAddress(), 0, nfsPort);
    }

    /** An NLM v4 client connected from 127.0.0.1 to {@code port} (the MOUNT port: NLM shares it), as root. */
    public static ItRpcClient nlm(int port) throws IOException {
        ItRpcClient c = connect(dev.nfsrepl.nfs.xdr.nlm4_prot.NLM_PROGRAM, InetAddress.getLoopbackAddress(), 0, port);
        c.version = dev.nfsrepl.nfs.xdr.nlm4_prot.NLM_V4;
        return c;
    }

    /** A status monitor (NSM v1) client connected from {@code from} to {@code port}. */
    public static ItRpcClient nsm(int port, InetAddress from) throws IOException {
        ItRpcClient c = connect(dev.nfsrepl.nfs.xdr.nlm4_prot.NSM_PROGRAM, from, 0, port);
        c.version = dev.nfsrepl.nfs.xdr.nlm4_prot.NSM_V1;
        return c;
    }

    /** A MOUNT client connected from 127.0.0.1 (ephemeral port) to the MOUNT port, as root. */
    public static ItRpcClient mount(int mountPort) throws IOException {
        return connect(nfs3_prot.MOUNT_PROGRAM, InetAddress.getLoopbackAddress(), 0, mountPort);
    }

    /** A client of {@code program} (NFS or MOUNT) connected to {@code server} (from an ephemeral port), as root. */
    public static ItRpcClient at(int program, InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(server, 10_000);
            return new ItRpcClient(s, program);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /**
     * A client of {@code program} (NFS or MOUNT) whose socket is bound to {@code localAddress}:
     * {@code localPort} (0: ephemeral) and connected to 127.0.0.1:{@code serverPort}.
     */
    public static ItRpcClient connect(int program, InetAddress localAddress, int localPort, int serverPort)
            throws IOException {
        Socket s = new Socket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(localAddress, localPort));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort), 10_000);
            return new ItRpcClient(s, program);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /**
     * A client bound to a privileged source port (below 1024) of 127.0.0.1; needs root (or
     * CAP_NET_BIND_SERVICE). Tries free ports from a random start in 600..1023.
     */
    public static ItRpcClient connectPrivileged(int program, int serverPort) throws IOException {
        IOException last = null;
        int start = 600 + ThreadLocalRandom.current().nextInt(424);
        for (int i = 0; i < 424; i++) {
            int port = 600 + (start - 600 + i) % 424;
            try {
                return connect(program, InetAddress.getLoopbackAddress(), port, serverPort);
            } catch (BindException e) {
                last = e;
                if (e.getMessage() != null && e.getMessage().contains("Permission denied")) {
                    throw new IOException("cannot bind privileged port " + port
                            + ": these tests must run as root (or with CAP_NET_BIND_SERVICE)", e);
                }
            } catch (SocketException e) {
                last = e; // e.g. EADDRNOTAVAIL: that 4-tuple is still in TIME_WAIT
            }
        }
        throw new IOException("no free privileged source port in 600..1023", last);
    }

    /** Sends AUTH_SYS credentials {@code uid}/{@code gid}/{@code groups} from now on. */
    public ItRpcClient as(int uid, int gid, int... groups) {
        this.authSys = true;
        this.uid = uid;
        this.gid = gid;
        this.gids = groups.clone();
        return this;
    }

    /** Sends AUTH_NONE from now on. */
    public ItRpcClient anonymous() {
        this.authSys = false;
        return this;
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    public InetAddress localAddress() {
        return socket.getLocalAddress();
    }

    /** Calls procedure {@code proc} of this client's program and version; decodes the result into {@code result}. */
    public <T extends XdrAble> T call(int proc, XdrAble args, T result) throws IOException {
        return receive(send(proc, args), proc, result);
    }

    /** The xid of the last call sent. */
    public int lastXid() {
        return xid;
    }

    /** Sends a call and returns its xid; {@link #receive} reads the reply. */
    public int send(int proc, XdrAble args) throws IOException {
        int myXid = ++xid;
        byte[] msg;
        try (Xdr x = new Xdr(1024)) {
            x.beginEncoding();
            x.xdrEncodeInt(0); // room for the record mark
            x.xdrEncodeInt(myXid);
            x.xdrEncodeInt(CALL);
            x.xdrEncodeInt(2);
            x.xdrEncodeInt(program);
            x.xdrEncodeInt(version);
            x.xdrEncodeInt(proc);
            if (authSys) {
                byte[] machine = "nfsrepl-it".getBytes(StandardCharsets.US_ASCII);
                int bodyLen = 4 + 4 + ((machine.length + 3) & ~3) + 4 + 4 + 4 + 4 * gids.length;
                x.xdrEncodeInt(AUTH_SYS);
                x.xdrEncodeInt(bodyLen);
                x.xdrEncodeInt(0); // stamp
                x.xdrEncodeDynamicOpaque(machine);
                x.xdrEncodeInt(uid);
                x.xdrEncodeInt(gid);
                x.xdrEncodeInt(gids.length);
                for (int g : gids) {
                    x.xdrEncodeInt(g);
                }
            } else {
                x.xdrEncodeInt(AUTH_NONE);
                x.xdrEncodeInt(0);
            }
            x.xdrEncodeInt(AUTH_NONE); // verifier
            x.xdrEncodeInt(0);
            args.xdrEncode(x);
            x.endEncoding();
            Buffer b = x.asBuffer();
            msg = new byte[b.remaining()];
            b.get(msg);
        }
        ByteBuffer.wrap(msg).putInt(0, 0x80000000 | (msg.length - 4));
        out.write(msg);
        out.flush();
        return myXid;
    }

    /**
     * Reads replies until the one to {@code myXid} (skipping late replies to earlier calls) and
     * decodes its result into {@code result}.
     *
     * @throws java.net.SocketTimeoutException if no reply comes within the read timeout
     */
    public <T extends XdrAble> T receive(int myXid, int proc, T result) throws IOException {
        while (true) {
            byte[] reply;
            try {
                reply = readRecord();
            } catch (java.net.SocketTimeoutException e) {
                throw new java.net.SocketTimeoutException("no reply to RPC " + program + "/3/" + proc + " (xid "
                        + myXid + ") within " + socket.getSoTimeout() / 1000 + " s");
            }
            Xdr x = new Xdr(reply);
            x.beginDecoding();
            int rxid = x.xdrDecodeInt();
            if (rxid != myXid) {
                continue; // a late reply to an earlier call that timed out
            }
            if (x.xdrDecodeInt() != REPLY) {
                throw new RpcRejected("xid " + myXid + ": message is not a REPLY");
            }
            int replyStat = x.xdrDecodeInt();
            if (replyStat != MSG_ACCEPTED) {
                int rejectStat = x.xdrDecodeInt();
                throw new RpcRejected("call " + program + "/" + proc + " denied: reject_stat " + rejectStat
                        + (rejectStat == 1 ? " (AUTH_ERROR, auth_stat " + x.xdrDecodeInt() + ")" : " (RPC_MISMATCH)"));
            }
            x.xdrDecodeInt(); // verifier flavor
            x.xdrDecodeDynamicOpaque();
            int acceptStat = x.xdrDecodeInt();
            if (acceptStat != SUCCESS) {
                throw new RpcRejected("call " + program + "/" + proc + " not executed: accept_stat " + acceptStat
                        + " (1 PROG_UNAVAIL, 2 PROG_MISMATCH, 3 PROC_UNAVAIL, 4 GARBAGE_ARGS, 5 SYSTEM_ERR)");
            }
            result.xdrDecode(x);
            return result;
        }
    }

    /** Sets how long a call waits for its reply. */
    public ItRpcClient withTimeout(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return this;
    }

    private byte[] readRecord() throws IOException {
        java.io.ByteArrayOutputStream record = new java.io.ByteArrayOutputStream();
        while (true) {
            int mark;
            try {
                mark = in.readInt();
            } catch (EOFException e) {
                throw new EOFException("server closed the connection");
            }
            int len = mark & 0x7fffffff;
            if (len > 8 * 1024 * 1024) {
                throw new IOException("implausible RPC fragment of " + len + " bytes");
            }
            byte[] frag = new byte[len];
            in.readFully(frag);
            record.write(frag);
            if ((mark & 0x80000000) != 0) {
                return record.toByteArray();
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // ------------------------------------------------------------------ MOUNT

    /** MOUNTPROC3_MNT of {@code path}. */
    public mountres3 mnt(String path) throws IOException {
        return call(nfs3_prot.MOUNTPROC3_MNT, new dirpath(path), new mountres3());
    }

    /** The root handle of {@code path}; fails unless MNT answers MNT3_OK. */
    public byte[] mntOk(String path) throws IOException {
        mountres3 r = mnt(path);
        if (r.fhs_status != nfs3_prot.MNT3_OK) {
            throw new AssertionError("MNT " + path + " failed with mountstat3 " + r.fhs_status);
        }
        return r.mountinfo.fhandle;
    }

    // ------------------------------------------------------------------ NFS procedures

    public GETATTR3res getattr(byte[] fh) throws IOException {
        GETATTR3args a = new GETATTR3args();
        a.object = new nfs_fh3(fh);
        return call(nfs3_prot.NFSPROC3_GETATTR, a, new GETATTR3res());
    }

    public SETATTR3res setattr(byte[] fh, sattr3 attrs) throws IOException {
        SETATTR3args a = new SETATTR3args();
        a.object = new nfs_fh3(fh);
        a.new_attributes = attrs;
        return call(nfs3_prot.NFSPROC3_SETATTR, a, new SETATTR3res());
    }

    public SETATTR3res chmod(byte[] fh, int mode) throws IOException {
        sattr3 s = new sattr3();
        s.mode = new set_mode3(mode);
        return setattr(fh, s);
    }

    public LOOKUP3res lookup(byte[] dir, String name) throws IOException {
        LOOKUP3args a = new LOOKUP3args();
        a.what = dirop(dir, name);
        return call(nfs3_prot.NFSPROC3_LOOKUP, a, new LOOKUP3res());
    }

    public ACCESS3res access(byte[] fh, int mask) throws IOException {
        ACCESS3args a = new ACCESS3args();
        a.object = new nfs_fh3(fh);
        a.access = mask;
        return call(nfs3_prot.NFSPROC3_ACCESS, a, new ACCESS3res());
    }

    public READLINK3res readlink(byte[] fh) throws IOException {
        READLINK3args a = new READLINK3args();
        a.symlink = new nfs_fh3(fh);
        return call(nfs3_prot.NFSPROC3_READLINK, a, new READLINK3res());
    }

    public READ3res read(byte[] fh, long offset, int count) throws IOException {
        READ3args a = new READ3args();
        a.file = new nfs_fh3(fh);
        a.offset = offset;
        a.count = count;
        return call(nfs3_prot.NFSPROC3_READ, a, new READ3res());
    }

    public WRITE3res write(byte[] fh, long offset, byte[] data, int stable) throws IOException {
        return write(fh, offset, data, 0, data.length, stable);
    }

    public WRITE3res write(byte[] fh, long offset, byte[] data, int from, int len, int stable) throws IOException {
        WRITE3args a = new WRITE3args();
        a.file = new nfs_fh3(fh);
        a.offset = offset;
        a.count = len;
        a.stable = stable;
        a.data = ByteBuffer.wrap(data, from, len);
        return call(nfs3_prot.NFSPROC3_WRITE, a, new WRITE3res());
    }

    public COMMIT3res commit(byte[] fh) throws IOException {
        COMMIT3args a = new COMMIT3args();
        a.file = new nfs_fh3(fh);
        return call(nfs3_prot.NFSPROC3_COMMIT, a, new COMMIT3res());
    }

    /** CREATE with {@code createMode} UNCHECKED or GUARDED and the given mode bits (or -1 for none). */
    public CREATE3res create(byte[] dir, String name, int mode, int createMode) throws IOException {
        CREATE3args a = new CREATE3args();
        a.where = dirop(dir, name);
        a.how = new createhow3();
        a.how.mode = createMode;
        a.how.obj_attributes = new sattr3();
        if (mode >= 0) {
            a.how.obj_attributes.mode = new set_mode3(mode);
        }
        return call(nfs3_prot.NFSPROC3_CREATE, a, new CREATE3res());
    }

    public CREATE3res create(byte[] dir, String name, int mode) throws IOException {
        return create(dir, name, mode, nfs3_prot.GUARDED);
    }

    public MKDIR3res mkdir(byte[] dir, String name, int mode) throws IOException {
        MKDIR3args a = new MKDIR3args();
        a.where = dirop(dir, name);
        a.attributes = new sattr3();
        if (mode >= 0) {
            a.attributes.mode = new set_mode3(mode);
        }
        return call(nfs3_prot.NFSPROC3_MKDIR, a, new MKDIR3res());
    }

    public SYMLINK3res symlink(byte[] dir, String name, String target) throws IOException {
        SYMLINK3args a = new SYMLINK3args();
        a.where = dirop(dir, name);
        a.symlink = new symlinkdata3();
        a.symlink.symlink_data = target;
        return call(nfs3_prot.NFSPROC3_SYMLINK, a, new SYMLINK3res());
    }

    public MKNOD3res mkfifo(byte[] dir, String name, int mode) throws IOException {
        return call(nfs3_prot.NFSPROC3_MKNOD, mknodArgs(dir, name, nfs3_prot.NF3FIFO, mode), new MKNOD3res());
    }

    /** MKNOD arguments for a FIFO or socket; {@code mode} < 0 leaves the mode unset. */
    private static MKNOD3args mknodArgs(byte[] dir, String name, int type, int mode) {
        MKNOD3args a = new MKNOD3args();
        a.where = dirop(dir, name);
        a.what = new mknoddata3();
        a.what.type = type;
        a.what.pipe_attributes = new sattr3();
        if (mode >= 0) {
            a.what.pipe_attributes.mode = new set_mode3(mode);
        }
        return a;
    }

    /** What {@link #mkfifoGuarded} saw: the reply, and whether the server only answered once unblocked. */
    public record FifoCreation(MKNOD3res result, boolean hung) {
    }

    /**
     * MKNOD of a FIFO that cannot hang the test: if no reply comes within {@code patience}, the
     * server is assumed to be blocked opening the new FIFO (open(2) of a FIFO for reading waits for
     * a writer), so the FIFO at {@code onDisk} is opened for writing once to release it, and the
     * reply is then awaited with the normal timeout.
     */
    public FifoCreation mkfifoGuarded(byte[] dir, String name, int mode, java.nio.file.Path onDisk,
                                      java.time.Duration patience) throws IOException {
        MKNOD3args a = mknodArgs(dir, name, nfs3_prot.NF3FIFO, mode);
        int normal = socket.getSoTimeout();
        int myXid = send(nfs3_prot.NFSPROC3_MKNOD, a);
        socket.setSoTimeout((int) patience.toMillis());
        try {
            return new FifoCreation(receive(myXid, nfs3_prot.NFSPROC3_MKNOD, new MKNOD3res()), false);
        } catch (java.net.SocketTimeoutException e) {
            Thread opener = new Thread(() -> {
                try {
                    new java.io.FileOutputStream(onDisk.toFile()).close(); // opening is all it takes
                } catch (IOException ignored) {
                    // nothing to release
                }
            }, "fifo-opener");
            opener.setDaemon(true);
            opener.start();
            socket.setSoTimeout(normal);
            return new FifoCreation(receive(myXid, nfs3_prot.NFSPROC3_MKNOD, new MKNOD3res()), true);
        } finally {
            socket.setSoTimeout(normal);
        }
    }

    /** MKNOD of a Unix domain socket. */
    public MKNOD3res mksock(byte[] dir, String name, int mode) throws IOException {
        return call(nfs3_prot.NFSPROC3_MKNOD, mknodArgs(dir, name, nfs3_prot.NF3SOCK, mode), new MKNOD3res());
    }

    public REMOVE3res remove(byte[] dir, String name) throws IOException {
        REMOVE3args a = new REMOVE3args();
        a.object = dirop(dir, name);
        return call(nfs3_prot.NFSPROC3_REMOVE, a, new REMOVE3res());
    }

    public RMDIR3res rmdir(byte[] dir, String name) throws IOException {
        RMDIR3args a = new RMDIR3args();
        a.object = dirop(dir, name);
        return call(nfs3_prot.NFSPROC3_RMDIR, a, new RMDIR3res());
    }

    public RENAME3res rename(byte[] fromDir, String fromName, byte[] toDir, String toName) throws IOException {
        RENAME3args a = new RENAME3args();
        a.from = dirop(fromDir, fromName);
        a.to = dirop(toDir, toName);
        return call(nfs3_prot.NFSPROC3_RENAME, a, new RENAME3res());
    }

    public LINK3res link(byte[] file, byte[] dir, String name) throws IOException {
        LINK3args a = new LINK3args();
        a.file = new nfs_fh3(file);
        a.link = dirop(dir, name);
        return call(nfs3_prot.NFSPROC3_LINK, a, new LINK3res());
    }

    public READDIR3res readdir(byte[] dir, long cookie, int count) throws IOException {
        READDIR3args a = new READDIR3args();
        a.dir = new nfs_fh3(dir);
        a.cookie = cookie;
        a.count = count;
        return call(nfs3_prot.NFSPROC3_READDIR, a, new READDIR3res());
    }

    public FSSTAT3res fsstat(byte[] fh) throws IOException {
        FSSTAT3args a = new FSSTAT3args();
        a.fsroot = new nfs_fh3(fh);
        return call(nfs3_prot.NFSPROC3_FSSTAT, a, new FSSTAT3res());
    }

    // ------------------------------------------------------------------ checked conveniences

    /** The attributes of {@code fh}; fails unless GETATTR is OK. */
    public fattr3 attrs(byte[] fh) throws IOException {
        GETATTR3res r = getattr(fh);
        expect(nfs3_prot.NFS3_OK, r.status, "GETATTR");
        return r.resok.obj_attributes;
    }

    /** The handle of {@code name} in {@code dir}; fails unless LOOKUP is OK. */
    public byte[] lookupOk(byte[] dir, String name) throws IOException {
        LOOKUP3res r = lookup(dir, name);
        expect(nfs3_prot.NFS3_OK, r.status, "LOOKUP " + name);
        return r.resok.object.data;
    }

    /** Creates (GUARDED) a file and returns its handle; fails unless CREATE is OK. */
    public byte[] createOk(byte[] dir, String name, int mode) throws IOException {
        CREATE3res r = create(dir, name, mode);
        expect(nfs3_prot.NFS3_OK, r.status, "CREATE " + name);
        return handleOf(r.resok.obj, dir, name);
    }

    public byte[] mkdirOk(byte[] dir, String name, int mode) throws IOException {
        MKDIR3res r = mkdir(dir, name, mode);
        expect(nfs3_prot.NFS3_OK, r.status, "MKDIR " + name);
        return handleOf(r.resok.obj, dir, name);
    }

    /** Writes {@code data} at {@code offset} FILE_SYNC in one call; fails unless WRITE is OK and complete. */
    public WRITE3resok writeOk(byte[] fh, long offset, byte[] data) throws IOException {
        WRITE3res r = write(fh, offset, data, nfs3_prot.FILE_SYNC);
        expect(nfs3_prot.NFS3_OK, r.status, "WRITE");
        if (r.resok.count != data.length) {
            throw new AssertionError("short WRITE: " + r.resok.count + " of " + data.length + " bytes");
        }
        return r.resok;
    }

    /** The whole content of a file, read in chunks of 64 KiB; fails unless every READ is OK. */
    public byte[] readAll(byte[] fh) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        long off = 0;
        while (true) {
            READ3res r = read(fh, off, 64 * 1024);
            expect(nfs3_prot.NFS3_OK, r.status, "READ at " + off);
            byte[] chunk = new byte[r.resok.data.remaining()];
            r.resok.data.get(chunk);
            all.write(chunk);
            off += chunk.length;
            if (r.resok.eof || chunk.length == 0) {
                return all.toByteArray();
            }
        }
    }

    /** Every name in a directory (without "." and ".."), reading all pages; fails unless READDIR is OK. */
    public List<String> listNames(byte[] dir) throws IOException {
        List<String> names = new ArrayList<>();
        long cookie = 0;
        for (int pages = 0; pages < 100_000; pages++) {
            READDIR3res r = readdir(dir, cookie, 8192);
            expect(nfs3_prot.NFS3_OK, r.status, "READDIR");
            for (entry3 e : r.resok.reply.entries) {
                if (!e.name.equals(".") && !e.name.equals("..")) {
                    names.add(e.name);
                }
                cookie = e.cookie;
            }
            if (r.resok.reply.eof) {
                return names;
            }
            if (r.resok.reply.entries.isEmpty()) {
                throw new AssertionError("READDIR returned no entries and no eof at cookie " + cookie);
            }
        }
        throw new AssertionError("READDIR did not reach eof");
    }

    private byte[] handleOf(post_op_fh3 fh, byte[] dir, String name) throws IOException {
        return fh.handle_follows ? fh.handle.data : lookupOk(dir, name);
    }

    /** Fails with both status numbers unless {@code actual == expected}. */
    public static void expect(int expected, int actual, String what) {
        if (actual != expected) {
            throw new AssertionError(what + ": expected nfsstat3 " + expected + " but got " + actual);
        }
    }

    private static diropargs3 dirop(byte[] dir, String name) {
        diropargs3 d = new diropargs3();
        d.dir = new nfs_fh3(dir);
        d.name = name;
        return d;
    }

    /** The FileId inside an nfsrepl handle (magic, fsid, generation, fileId). */
    public static long fileIdOf(byte[] handle) {
        return ByteBuffer.wrap(handle).getLong(12);
    }
}
