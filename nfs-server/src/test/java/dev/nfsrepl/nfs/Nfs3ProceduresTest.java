package dev.nfsrepl.nfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.fs.Attr;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.PermissionCheckingFileSystem;
import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.nfs.export.Export;
import dev.nfsrepl.nfs.export.Exports;
import dev.nfsrepl.nfs.xdr.*;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.dcache.oncrpc4j.xdr.Xdr;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every NFSv3 procedure called directly, with replies checked against bytes written from RFC 1813. */
class Nfs3ProceduresTest {

    @TempDir
    Path tmp;
    Path export;
    LocalFileSystem local;
    Export ex;
    Nfs3ReadProcedures reads;
    Nfs3WriteProcedures writes;
    final byte[] verifier = {9, 8, 7, 6, 5, 4, 3, 2};
    final Caller root = new Caller(InetAddress.getLoopbackAddress(), 800, Identity.ROOT);

    @BeforeEach
    void start() throws IOException {
        export = Files.createDirectories(tmp.resolve("export"));
        local = new LocalFileSystem(export, tmp.resolve("state"), Clock.systemUTC()).start();
        ex = Exports.defaultFor(export).all().get(0);
        ExportTable table = new ExportTable();
        table.set(Map.of(ex.fsid(), new ExportedFs(ex, new PermissionCheckingFileSystem(local))));
        reads = new Nfs3ReadProcedures(table);
        writes = new Nfs3WriteProcedures(table, verifier);
    }

    @AfterEach
    void stop() {
        local.close();
    }

    private nfs_fh3 fh(long id) {
        return Xdr3.fh(new FileHandle(ex.fsid(), local.generation(), id));
    }

    private nfs_fh3 rootFh() {
        return fh(local.rootId());
    }

    private static byte[] encode(XdrAble x) throws IOException {
        try (Xdr xdr = new Xdr(1024)) {
            xdr.beginEncoding();
            x.xdrEncode(xdr);
            xdr.endEncoding();
            ByteBuffer b = xdr.asBuffer().toByteBuffer();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        }
    }

    /** fattr3 as RFC 1813 section 2.5 lays it out: 84 bytes. */
    private ByteBuffer fattr(ByteBuffer b, Attr a) {
        return b.putInt(1).putInt(a.mode()).putInt(a.nlink()).putInt(a.uid()).putInt(a.gid())
                .putLong(a.size()).putLong(a.used()).putInt(0).putInt(0)
                .putLong(Integer.toUnsignedLong(ex.fsid())).putLong(a.fileId())
                .putInt((int) (a.atimeNanos() / 1_000_000_000L)).putInt((int) (a.atimeNanos() % 1_000_000_000L))
                .putInt((int) (a.mtimeNanos() / 1_000_000_000L)).putInt((int) (a.mtimeNanos() % 1_000_000_000L))
                .putInt((int) (a.ctimeNanos() / 1_000_000_000L)).putInt((int) (a.ctimeNanos() % 1_000_000_000L));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private long fileWithHello() throws Exception {
        Path p = export.resolve("hello.txt");
        Files.writeString(p, "hello");
        Files.setAttribute(p, "unix:mode", 0640);
        Files.setAttribute(p, "unix:uid", 1000);
        Files.setAttribute(p, "unix:gid", 100);
        Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(1_700_000_000L, 5)));
        return local.lookup(Identity.ROOT, local.rootId(), "hello.txt");
    }

    @Test
    void getattrReplyIsTheRfcLayout() throws Exception {
        long id = fileWithHello();
        Attr a = local.getattr(id);
        assertEquals(0640, a.mode());
        GETATTR3args args = new GETATTR3args();
        args.object = fh(id);
        byte[] got = encode(reads.getattr(root, args));
        ByteBuffer want = ByteBuffer.allocate(88).putInt(0);
        fattr(want, a);
        assertArrayEquals(bytes(want), got);
        assertEquals(1_700_000_000L * 1_000_000_000L + 5, a.mtimeNanos());
    }

    @Test
    void readReplyCarriesPaddedData() throws Exception {
        long id = fileWithHello();
        READ3args args = new READ3args();
        args.file = fh(id);
        args.count = 100;
        byte[] got = encode(reads.read(root, args));
        Attr a = local.getattr(id);
        ByteBuffer want = ByteBuffer.allocate(200).putInt(0).putInt(1);
        fattr(want, a).putInt(5).putInt(1).putInt(5).put("hello".getBytes(StandardCharsets.US_ASCII))
                .put(new byte[3]);
        assertArrayEquals(bytes(want), got);
    }

    @Test
    void lookupOfAMissingNameIsNoentWithDirectoryAttributes() throws Exception {
        LOOKUP3args args = new LOOKUP3args();
        args.what.dir = rootFh();
        args.what.name = "missing";
        byte[] got = encode(reads.lookup(root, args));
        ByteBuffer want = ByteBuffer.allocate(200).putInt(2).putInt(1);
        Attr dir = local.getattr(local.rootId());
        want.putInt(2).putInt(dir.mode()).putInt(dir.nlink()).putInt(dir.uid()).putInt(dir.gid())
                .putLong(dir.size()).putLong(dir.used()).putInt(0).putInt(0)
                .putLong(Integer.toUnsignedLong(ex.fsid())).putLong(dir.fileId());
        for (long t : new long[] {dir.atimeNanos(), dir.mtimeNanos(), dir.ctimeNanos()}) {
            want.putInt((int) (t / 1_000_000_000L)).putInt((int) (t % 1_000_000_000L));
        }
        assertArrayEquals(bytes(want), got);
    }

    @Test
    void writeReplyCarriesTheVerifierAndStability() throws Exception {
        long id = fileWithHello();
        WRITE3args args = new WRITE3args();
        args.file = fh(id);
        args.offset = 5;
        args.count = 6;
        args.stable = nfs3_prot.FILE_SYNC;
        args.data = ByteBuffer.wrap(" world".getBytes(StandardCharsets.US_ASCII));
        WRITE3res r = writes.write(root, args);
        byte[] got = encode(r);
        // status, wcc_data (pre_op TRUE + 24 bytes, post_op TRUE + 84 bytes), count, committed, verf
        ByteBuffer tail = ByteBuffer.wrap(got, got.length - 16, 16);
        assertEquals(6, tail.getInt());
        assertEquals(nfs3_prot.FILE_SYNC, tail.getInt());
        byte[] v = new byte[8];
        tail.get(v);
        assertArrayEquals(verifier, v);
        assertEquals(4 + 4 + 24 + 4 + 84 + 16, got.length);
        assertEquals("hello world", Files.readString(export.resolve("hello.txt")));
    }

    @Test
    void writeWithACountLargerThanItsDataIsInvalid() throws Exception {
        long id = fileWithHello();
        WRITE3args args = new WRITE3args();
        args.file = fh(id);
        args.count = 100;
        args.stable = nfs3_prot.UNSTABLE;
        args.data = ByteBuffer.wrap(new byte[10]);
        assertEquals(nfs3_prot.NFS3ERR_INVAL, writes.write(root, args).status);
        assertEquals("hello", Files.readString(export.resolve("hello.txt")));
    }

    @Test
    void fsinfoAdvertisesOneMebibyteTransfers() throws Exception {
        FSINFO3args args = new FSINFO3args();
        args.fsroot = rootFh();
        FSINFO3res r = reads.fsinfo(root, args);
        byte[] got = encode(r);
        ByteBuffer tail = ByteBuffer.wrap(got, 4 + 4 + 84, got.length - 92);
        ByteBuffer want = ByteBuffer.allocate(64).putInt(1 << 20).putInt(1 << 20).putInt(4096).putInt(1 << 20)
                .putInt(1 << 20).putInt(4096).putInt(65536).putLong(Long.MAX_VALUE).putInt(0).putInt(1)
                .putInt(0x1b);
        byte[] rest = new byte[tail.remaining()];
        tail.get(rest);
        assertArrayEquals(bytes(want), rest);
    }

    @Test
    void badHandlesAreBadhandleAndForeignFsidsStale() throws Exception {
        GETATTR3args args = new GETATTR3args();
        args.object = new nfs_fh3();
        args.object.data = new byte[] {1, 2, 3};
        assertEquals(nfs3_prot.NFS3ERR_BADHANDLE, reads.getattr(root, args).status);
        args.object = Xdr3.fh(new FileHandle(ex.fsid() + 1, local.generation(), local.rootId()));
        assertEquals(nfs3_prot.NFS3ERR_STALE, reads.getattr(root, args).status);
        args.object = Xdr3.fh(new FileHandle(ex.fsid(), local.generation() + 1, local.rootId()));
        assertEquals(nfs3_prot.NFS3ERR_STALE, reads.getattr(root, args).status);
        args.object = fh(local.rootId() + 12345);
        assertEquals(nfs3_prot.NFS3ERR_STALE, reads.getattr(root, args).status);
    }

    @Test
    void clientsOutsideTheExportListAreRefusedOnEveryRequest() throws Exception {
        Caller stranger = new Caller(InetAddress.getByName("10.1.2.3"), 800, Identity.ROOT);
        GETATTR3args args = new GETATTR3args();
        args.object = rootFh();
        assertEquals(nfs3_prot.NFS3ERR_ACCES, reads.getattr(stranger, args).status);
    }

    @Test
    void badNamesGetErrorsAndTouchNothing() throws Exception {
        Map<String, Integer> cases = Map.of(
                "", nfs3_prot.NFS3ERR_ACCES,
                ".", nfs3_prot.NFS3ERR_EXIST,
                "..", nfs3_prot.NFS3ERR_EXIST,
                "a/b", nfs3_prot.NFS3ERR_ACCES,
                "nul\0x", nfs3_prot.NFS3ERR_ACCES,
                "x".repeat(256), nfs3_prot.NFS3ERR_NAMETOOLONG);
        for (var c : cases.entrySet()) {
            MKDIR3args args = new MKDIR3args();
            args.where.dir = rootFh();
            args.where.name = c.getKey();
            assertEquals(c.getValue(), writes.mkdir(root, args).status, "mkdir '" + c.getKey() + "'");
        }
        try (var s = Files.list(export)) {
            assertEquals(0, s.count());
        }
        MKDIR3args ok = new MKDIR3args();
        ok.where.dir = rootFh();
        ok.where.name = "y".repeat(255);
        assertEquals(nfs3_prot.NFS3_OK, writes.mkdir(root, ok).status);
    }

    @Test
    void everyProcedureAnswersAndItsReplyEncodes() throws Exception {
        long file = fileWithHello();
        Map<String, Supplier<XdrAble>> calls = new java.util.LinkedHashMap<>();
        calls.put("SETATTR", () -> {
            SETATTR3args a = new SETATTR3args();
            a.object = fh(file);
            a.new_attributes.mode = new set_mode3(0600);
            return writes.setattr(root, a);
        });
        calls.put("ACCESS", () -> {
            ACCESS3args a = new ACCESS3args();
            a.object = fh(file);
            a.access = nfs3_prot.ACCESS3_READ | nfs3_prot.ACCESS3_MODIFY;
            return reads.access(root, a);
        });
        calls.put("CREATE", () -> {
            CREATE3args a = new CREATE3args();
            a.where.dir = rootFh();
            a.where.name = "c";
            a.how.mode = nfs3_prot.GUARDED;
            return writes.create(root, a);
        });
        calls.put("MKDIR", () -> {
            MKDIR3args a = new MKDIR3args();
            a.where.dir = rootFh();
            a.where.name = "d";
            return writes.mkdir(root, a);
        });
        calls.put("SYMLINK", () -> {
            SYMLINK3args a = new SYMLINK3args();
            a.where.dir = rootFh();
            a.where.name = "s";
            a.symlink.symlink_data = "hello.txt";
            return writes.symlink(root, a);
        });
        calls.put("MKNOD", () -> {
            MKNOD3args a = new MKNOD3args();
            a.where.dir = rootFh();
            a.where.name = "p";
            a.what.type = nfs3_prot.NF3FIFO;
            a.what.pipe_attributes = new sattr3();
            return writes.mknod(root, a);
        });
        calls.put("LINK", () -> {
            LINK3args a = new LINK3args();
            a.file = fh(file);
            a.link.dir = rootFh();
            a.link.name = "hard";
            return writes.link(root, a);
        });
        calls.put("RENAME", () -> {
            RENAME3args a = new RENAME3args();
            a.from.dir = rootFh();
            a.from.name = "c";
            a.to.dir = rootFh();
            a.to.name = "c2";
            return writes.rename(root, a);
        });
        calls.put("COMMIT", () -> {
            COMMIT3args a = new COMMIT3args();
            a.file = fh(file);
            return writes.commit(root, a);
        });
        calls.put("READDIR", () -> {
            READDIR3args a = new READDIR3args();
            a.dir = rootFh();
            a.count = 8192;
            return reads.readdir(root, a);
        });
        calls.put("READDIRPLUS", () -> {
            READDIRPLUS3args a = new READDIRPLUS3args();
            a.dir = rootFh();
            a.dircount = 8192;
            a.maxcount = 32768;
            return reads.readdirplus(root, a);
        });
        calls.put("FSSTAT", () -> {
            FSSTAT3args a = new FSSTAT3args();
            a.fsroot = rootFh();
            return reads.fsstat(root, a);
        });
        calls.put("PATHCONF", () -> {
            PATHCONF3args a = new PATHCONF3args();
            a.object = rootFh();
            return reads.pathconf(root, a);
        });
        calls.put("REMOVE", () -> {
            REMOVE3args a = new REMOVE3args();
            a.object.dir = rootFh();
            a.object.name = "hard";
            return writes.remove(root, a);
        });
        calls.put("RMDIR", () -> {
            RMDIR3args a = new RMDIR3args();
            a.object.dir = rootFh();
            a.object.name = "d";
            return writes.rmdir(root, a);
        });
        for (var c : calls.entrySet()) {
            XdrAble reply = c.getValue().get();
            byte[] b = encode(reply);
            assertEquals(0, ByteBuffer.wrap(b).getInt(), c.getKey() + " status");
        }
        assertEquals(0600, local.getattr(file).mode());
        assertTrue(Files.exists(export.resolve("c2")));
        assertFalse(Files.exists(export.resolve("d")));
        assertEquals("hello.txt", Files.readSymbolicLink(export.resolve("s")).toString());
        READLINK3args rl = new READLINK3args();
        rl.symlink = fh(local.lookup(Identity.ROOT, local.rootId(), "s"));
        assertEquals("hello.txt", reads.readlink(root, rl).resok.data);
    }

    @Test
    void serverFaultRepliesDecodeAsEachProceduresFailure() throws Exception {
        XdrAble[] results = {null, new GETATTR3res(), new SETATTR3res(), new LOOKUP3res(), new ACCESS3res(),
            new READLINK3res(), new READ3res(), new WRITE3res(), new CREATE3res(), new MKDIR3res(),
            new SYMLINK3res(), new MKNOD3res(), new REMOVE3res(), new RMDIR3res(), new RENAME3res(),
            new LINK3res(), new READDIR3res(), new READDIRPLUS3res(), new FSSTAT3res(), new FSINFO3res(),
            new PATHCONF3res(), new COMMIT3res()};
        for (int proc = 1; proc < results.length; proc++) {
            byte[] b = encode(new Nfs3Service.StatusOnly(nfs3_prot.NFS3ERR_SERVERFAULT, proc));
            try (Xdr x = new Xdr(b)) {
                x.beginDecoding();
                results[proc].xdrDecode(x);
                assertFalse(x.hasMoreData(), "procedure " + proc + ": bytes left over");
            }
        }
    }
}
