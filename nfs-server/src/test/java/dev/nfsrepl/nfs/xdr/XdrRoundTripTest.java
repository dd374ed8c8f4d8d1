package dev.nfsrepl.nfs.xdr;

import static dev.nfsrepl.nfs.xdr.XdrTestSupport.decode;
import static dev.nfsrepl.nfs.xdr.XdrTestSupport.encode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * Encode, decode, and check the fields; then re-encode the decoded object and check it
 * gives the same bytes, which covers every field without needing equals().
 */
class XdrRoundTripTest {

    private static <T extends org.dcache.oncrpc4j.xdr.XdrAble> T roundTrip(
            org.dcache.oncrpc4j.xdr.XdrAble value, T target) throws IOException {
        byte[] bytes = encode(value);
        assertEquals(0, bytes.length % 4, "XDR output must be a multiple of 4 bytes");
        T back = decode(bytes, target);
        assertArrayEquals(bytes, encode(back), "re-encoding the decoded value differs");
        return back;
    }

    private static nfs_fh3 handle(long n) {
        return new nfs_fh3(ByteBuffer.allocate(12).putInt(0xcafe).putLong(n).array());
    }

    private static entryplus3 plusEntry(long i, boolean withAttributes) {
        entryplus3 e = new entryplus3();
        e.fileid = 1000 + i;
        e.name = "file-" + i;
        e.cookie = i + 1;
        if (withAttributes) {
            fattr3 a = XdrGoldenBytesTest.sampleAttributes();
            a.fileid = e.fileid;
            e.name_attributes = new post_op_attr(a);
            e.name_handle = new post_op_fh3(handle(e.fileid));
        }
        return e;
    }

    private static READDIRPLUS3res readdirplus(int count) {
        READDIRPLUS3res res = new READDIRPLUS3res();
        res.status = nfs3_prot.NFS3_OK;
        res.resok = new READDIRPLUS3resok();
        res.resok.dir_attributes = new post_op_attr(XdrGoldenBytesTest.sampleAttributes());
        res.resok.cookieverf = new byte[] {1, 2, 3, 4, 5, 6, 7, 8};
        for (int i = 0; i < count; i++) {
            res.resok.reply.entries.add(plusEntry(i, i % 2 == 0));
        }
        res.resok.reply.eof = true;
        return res;
    }

    @Test
    void readdirplusWithThreeEntries() throws IOException {
        READDIRPLUS3res back = roundTrip(readdirplus(3), new READDIRPLUS3res());

        assertEquals(nfs3_prot.NFS3_OK, back.status);
        assertNull(back.resfail);
        assertTrue(back.resok.dir_attributes.attributes_follow);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, back.resok.cookieverf);
        assertTrue(back.resok.reply.eof);
        assertEquals(3, back.resok.reply.entries.size());
        for (int i = 0; i < 3; i++) {
            entryplus3 e = back.resok.reply.entries.get(i);
            assertEquals(1000 + i, e.fileid);
            assertEquals("file-" + i, e.name);
            assertEquals(i + 1, e.cookie);
            assertEquals(i % 2 == 0, e.name_attributes.attributes_follow);
            assertEquals(i % 2 == 0, e.name_handle.handle_follows);
        }
        entryplus3 first = back.resok.reply.entries.get(0);
        assertEquals(1000, first.name_attributes.attributes.fileid);
        assertArrayEquals(handle(1000).data, first.name_handle.handle.data);
        assertNull(back.resok.reply.entries.get(1).name_attributes.attributes);
        assertNull(back.resok.reply.entries.get(1).name_handle.handle);
    }

    @Test
    void readdirplusWithOneHundredThousandEntriesDoesNotRecurse() throws IOException {
        int count = 100_000;
        READDIRPLUS3res back = roundTrip(readdirplus(count), new READDIRPLUS3res());

        assertEquals(count, back.resok.reply.entries.size());
        assertEquals("file-99999", back.resok.reply.entries.get(count - 1).name);
        assertEquals(count, back.resok.reply.entries.get(count - 1).cookie);
    }

    @Test
    void readdirFailure() throws IOException {
        READDIR3res res = new READDIR3res();
        res.status = nfs3_prot.NFS3ERR_BAD_COOKIE;
        res.resfail = new READDIR3resfail();

        READDIR3res back = roundTrip(res, new READDIR3res());

        assertEquals(nfs3_prot.NFS3ERR_BAD_COOKIE, back.status);
        assertNull(back.resok);
        assertFalse(back.resfail.dir_attributes.attributes_follow);
    }

    @Test
    void lookupFailureArm() throws IOException {
        LOOKUP3res res = new LOOKUP3res();
        res.status = nfs3_prot.NFS3ERR_NOENT;
        res.resfail = new LOOKUP3resfail();
        res.resfail.dir_attributes = new post_op_attr(XdrGoldenBytesTest.sampleAttributes());

        LOOKUP3res back = roundTrip(res, new LOOKUP3res());

        assertEquals(nfs3_prot.NFS3ERR_NOENT, back.status);
        assertNull(back.resok);
        assertNotNull(back.resfail);
        assertTrue(back.resfail.dir_attributes.attributes_follow);
        assertEquals(0644, back.resfail.dir_attributes.attributes.mode);
    }

    @Test
    void lookupSuccessArm() throws IOException {
        LOOKUP3res res = new LOOKUP3res();
        res.status = nfs3_prot.NFS3_OK;
        res.resok = new LOOKUP3resok();
        res.resok.object = handle(42);
        res.resok.obj_attributes = new post_op_attr(XdrGoldenBytesTest.sampleAttributes());

        LOOKUP3res back = roundTrip(res, new LOOKUP3res());

        assertNull(back.resfail);
        assertArrayEquals(handle(42).data, back.resok.object.data);
        assertFalse(back.resok.dir_attributes.attributes_follow);
    }

    @Test
    void lookupArgumentsKeepEmbeddedNulAndNonAscii() throws IOException {
        LOOKUP3args args = new LOOKUP3args();
        args.what.dir = handle(1);
        args.what.name = "bad\0name/ünï";

        LOOKUP3args back = roundTrip(args, new LOOKUP3args());

        assertEquals("bad\0name/ünï", back.what.name);
        assertArrayEquals(handle(1).data, back.what.dir.data);
    }

    @Test
    void writeArgumentsWithUnalignedData() throws IOException {
        byte[] payload = "hello".getBytes(StandardCharsets.US_ASCII);
        WRITE3args args = new WRITE3args();
        args.file = handle(7);
        args.offset = 0x1_0000_0000L;
        args.count = payload.length;
        args.stable = nfs3_prot.FILE_SYNC;
        args.data = ByteBuffer.wrap(payload);

        byte[] bytes = encode(args);
        // ... count, stable, then length 5, "hello", 3 zero bytes of padding
        byte[] tail = Arrays.copyOfRange(bytes, bytes.length - 12, bytes.length);
        assertArrayEquals(new byte[] {0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o', 0, 0, 0}, tail);
        assertEquals(0, args.data.position(), "encoding must not consume the caller's buffer");

        WRITE3args back = roundTrip(args, new WRITE3args());
        assertArrayEquals(handle(7).data, back.file.data);
        assertEquals(0x1_0000_0000L, back.offset);
        assertEquals(5, back.count);
        assertEquals(nfs3_prot.FILE_SYNC, back.stable);
        assertEquals(ByteBuffer.wrap(payload), back.data);
    }

    @Test
    void writeArgumentsWithLargeDirectBuffer() throws IOException {
        int size = 200_001; // several copy chunks, last one unaligned
        ByteBuffer direct = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) {
            direct.put((byte) (i * 31));
        }
        direct.flip();
        WRITE3args args = new WRITE3args();
        args.count = size;
        args.data = direct;

        WRITE3args back = roundTrip(args, new WRITE3args());

        assertEquals(size, back.data.remaining());
        assertEquals(direct, back.data);
    }

    @Test
    void readResultWithData() throws IOException {
        byte[] payload = new byte[4099];
        Arrays.fill(payload, (byte) 0x5a);
        READ3res res = new READ3res();
        res.status = nfs3_prot.NFS3_OK;
        res.resok = new READ3resok();
        res.resok.file_attributes = new post_op_attr(XdrGoldenBytesTest.sampleAttributes());
        res.resok.count = payload.length;
        res.resok.eof = true;
        res.resok.data = ByteBuffer.wrap(payload, 0, payload.length);

        READ3res back = roundTrip(res, new READ3res());

        assertEquals(payload.length, back.resok.count);
        assertTrue(back.resok.eof);
        assertEquals(ByteBuffer.wrap(payload), back.resok.data);
    }

    @Test
    void createExclusiveAndGuarded() throws IOException {
        CREATE3args exclusive = new CREATE3args();
        exclusive.where.dir = handle(3);
        exclusive.where.name = "new";
        exclusive.how.mode = nfs3_prot.EXCLUSIVE;
        exclusive.how.verf = new byte[] {9, 8, 7, 6, 5, 4, 3, 2};

        CREATE3args back = roundTrip(exclusive, new CREATE3args());
        assertEquals(nfs3_prot.EXCLUSIVE, back.how.mode);
        assertArrayEquals(new byte[] {9, 8, 7, 6, 5, 4, 3, 2}, back.how.verf);
        assertNull(back.how.obj_attributes);

        CREATE3args guarded = new CREATE3args();
        guarded.where.name = "other";
        guarded.how.mode = nfs3_prot.GUARDED;
        guarded.how.obj_attributes.mode = new set_mode3(0600);

        back = roundTrip(guarded, new CREATE3args());
        assertEquals(nfs3_prot.GUARDED, back.how.mode);
        assertEquals(0600, back.how.obj_attributes.mode.mode);
        assertNull(back.how.verf);
    }

    @Test
    void createResult() throws IOException {
        CREATE3res res = new CREATE3res();
        res.status = nfs3_prot.NFS3_OK;
        res.resok = new CREATE3resok();
        res.resok.obj = new post_op_fh3(handle(5));
        res.resok.obj_attributes = new post_op_attr(XdrGoldenBytesTest.sampleAttributes());
        wcc_attr before = new wcc_attr();
        before.size = 10;
        before.mtime = new nfstime3(1, 2);
        res.resok.dir_wcc.before = new pre_op_attr(before);
        res.resok.dir_wcc.after = new post_op_attr(XdrGoldenBytesTest.sampleAttributes());

        CREATE3res back = roundTrip(res, new CREATE3res());

        assertArrayEquals(handle(5).data, back.resok.obj.handle.data);
        assertEquals(10, back.resok.dir_wcc.before.attributes.size);
        assertEquals(2, back.resok.dir_wcc.before.attributes.mtime.nseconds);
    }

    @Test
    void mknodDeviceAndFifo() throws IOException {
        MKNOD3args dev = new MKNOD3args();
        dev.where.name = "null";
        dev.what.type = nfs3_prot.NF3CHR;
        dev.what.device = new devicedata3();
        dev.what.device.spec.specdata1 = 1;
        dev.what.device.spec.specdata2 = 3;

        MKNOD3args back = roundTrip(dev, new MKNOD3args());
        assertEquals(3, back.what.device.spec.specdata2);
        assertNull(back.what.pipe_attributes);

        MKNOD3args fifo = new MKNOD3args();
        fifo.what.type = nfs3_prot.NF3FIFO;
        fifo.what.pipe_attributes = new sattr3();
        back = roundTrip(fifo, new MKNOD3args());
        assertNotNull(back.what.pipe_attributes);
        assertNull(back.what.device);

        MKNOD3args regular = new MKNOD3args();
        regular.what.type = nfs3_prot.NF3REG; // void arm: the service answers NFS3ERR_BADTYPE
        back = roundTrip(regular, new MKNOD3args());
        assertEquals(nfs3_prot.NF3REG, back.what.type);
        assertNull(back.what.device);
        assertNull(back.what.pipe_attributes);
    }

    @Test
    void symlinkAndReadlink() throws IOException {
        SYMLINK3args args = new SYMLINK3args();
        args.where.name = "link";
        args.symlink.symlink_data = "../target/file";
        SYMLINK3args back = roundTrip(args, new SYMLINK3args());
        assertEquals("../target/file", back.symlink.symlink_data);

        READLINK3res res = new READLINK3res();
        res.resok = new READLINK3resok();
        res.resok.data = "../target/file";
        assertEquals("../target/file", roundTrip(res, new READLINK3res()).resok.data);
    }

    @Test
    void renameLinkRemoveRmdir() throws IOException {
        RENAME3args rename = new RENAME3args();
        rename.from.name = "a";
        rename.to.name = "b";
        RENAME3args r = roundTrip(rename, new RENAME3args());
        assertEquals("a", r.from.name);
        assertEquals("b", r.to.name);

        RENAME3res renameRes = new RENAME3res();
        renameRes.status = nfs3_prot.NFS3ERR_NOTEMPTY;
        renameRes.resfail = new RENAME3resfail();
        assertEquals(nfs3_prot.NFS3ERR_NOTEMPTY, roundTrip(renameRes, new RENAME3res()).status);

        LINK3args link = new LINK3args();
        link.file = handle(8);
        link.link.name = "hard";
        assertEquals("hard", roundTrip(link, new LINK3args()).link.name);

        REMOVE3res remove = new REMOVE3res();
        remove.resok = new REMOVE3resok();
        assertNotNull(roundTrip(remove, new REMOVE3res()).resok);

        RMDIR3args rmdir = new RMDIR3args();
        rmdir.object.name = "dir";
        assertEquals("dir", roundTrip(rmdir, new RMDIR3args()).object.name);
    }

    @Test
    void writeAndCommitResults() throws IOException {
        WRITE3res write = new WRITE3res();
        write.resok = new WRITE3resok();
        write.resok.count = -1; // 2^32 - 1 as an unsigned count3
        write.resok.committed = nfs3_prot.DATA_SYNC;
        write.resok.verf = new byte[] {1, 1, 2, 3, 5, 8, 13, 21};
        WRITE3res w = roundTrip(write, new WRITE3res());
        assertEquals(0xFFFF_FFFFL, Integer.toUnsignedLong(w.resok.count));
        assertArrayEquals(new byte[] {1, 1, 2, 3, 5, 8, 13, 21}, w.resok.verf);

        COMMIT3args commit = new COMMIT3args();
        commit.offset = 4096;
        commit.count = 8192;
        COMMIT3args c = roundTrip(commit, new COMMIT3args());
        assertEquals(4096, c.offset);
        assertEquals(8192, c.count);

        COMMIT3res commitRes = new COMMIT3res();
        commitRes.resok = new COMMIT3resok();
        assertNotNull(roundTrip(commitRes, new COMMIT3res()).resok.verf);
    }

    @Test
    void fsstatFsinfoPathconfAccess() throws IOException {
        FSSTAT3res fsstat = new FSSTAT3res();
        fsstat.resok = new FSSTAT3resok();
        fsstat.resok.tbytes = Long.MAX_VALUE;
        fsstat.resok.afiles = -1L;
        fsstat.resok.invarsec = 0;
        FSSTAT3res s = roundTrip(fsstat, new FSSTAT3res());
        assertEquals(Long.MAX_VALUE, s.resok.tbytes);
        assertEquals(-1L, s.resok.afiles);

        FSINFO3res fsinfo = new FSINFO3res();
        fsinfo.resok = new FSINFO3resok();
        fsinfo.resok.rtmax = 1 << 20;
        fsinfo.resok.wtmax = 1 << 20;
        fsinfo.resok.maxfilesize = Long.MAX_VALUE;
        fsinfo.resok.time_delta = new nfstime3(0, 1);
        fsinfo.resok.properties = nfs3_prot.FSF3_LINK | nfs3_prot.FSF3_SYMLINK
                | nfs3_prot.FSF3_HOMOGENEOUS | nfs3_prot.FSF3_CANSETTIME;
        FSINFO3res i = roundTrip(fsinfo, new FSINFO3res());
        assertEquals(1 << 20, i.resok.wtmax);
        assertEquals(0x1b, i.resok.properties);
        assertEquals(1, i.resok.time_delta.nseconds);

        PATHCONF3res pathconf = new PATHCONF3res();
        pathconf.resok = new PATHCONF3resok();
        pathconf.resok.name_max = 255;
        pathconf.resok.no_trunc = true;
        pathconf.resok.case_preserving = true;
        PATHCONF3res p = roundTrip(pathconf, new PATHCONF3res());
        assertEquals(255, p.resok.name_max);
        assertTrue(p.resok.no_trunc);
        assertFalse(p.resok.case_insensitive);
        assertTrue(p.resok.case_preserving);

        ACCESS3args access = new ACCESS3args();
        access.access = nfs3_prot.ACCESS3_READ | nfs3_prot.ACCESS3_EXECUTE;
        assertEquals(0x21, roundTrip(access, new ACCESS3args()).access);
    }

    @Test
    void readdirArguments() throws IOException {
        READDIRPLUS3args args = new READDIRPLUS3args();
        args.dir = handle(2);
        args.cookie = -5L;
        args.cookieverf = new byte[] {8, 7, 6, 5, 4, 3, 2, 1};
        args.dircount = 4096;
        args.maxcount = 32768;
        READDIRPLUS3args back = roundTrip(args, new READDIRPLUS3args());
        assertEquals(-5L, back.cookie);
        assertEquals(4096, back.dircount);
        assertEquals(32768, back.maxcount);

        READDIR3args plain = new READDIR3args();
        plain.count = 1024;
        assertEquals(1024, roundTrip(plain, new READDIR3args()).count);
    }

    @Test
    void mountResultOk() throws IOException {
        mountres3 res = new mountres3();
        res.fhs_status = nfs3_prot.MNT3_OK;
        res.mountinfo = new mountres3_ok();
        res.mountinfo.fhandle = handle(1).data;
        res.mountinfo.auth_flavors = new int[] {1};

        mountres3 back = roundTrip(res, new mountres3());

        assertArrayEquals(handle(1).data, back.mountinfo.fhandle);
        assertArrayEquals(new int[] {1}, back.mountinfo.auth_flavors);

        mountres3 denied = new mountres3();
        denied.fhs_status = nfs3_prot.MNT3ERR_ACCES;
        assertNull(roundTrip(denied, new mountres3()).mountinfo);
    }

    @Test
    void mountDumpAndExports() throws IOException {
        mountlist dump = new mountlist();
        for (String host : new String[] {"client-a", "client-b"}) {
            mountbody body = new mountbody();
            body.ml_hostname = host;
            body.ml_directory = "/export";
            dump.entries.add(body);
        }
        mountlist d = roundTrip(dump, new mountlist());
        assertEquals(2, d.entries.size());
        assertEquals("client-b", d.entries.get(1).ml_hostname);
        assertEquals("/export", d.entries.get(1).ml_directory);

        exports list = new exports();
        exportnode open = new exportnode();
        open.ex_dir = "/export";
        exportnode restricted = new exportnode();
        restricted.ex_dir = "/private";
        for (String group : new String[] {"10.0.0.0/8", "admin-host"}) {
            groupnode g = new groupnode();
            g.gr_name = group;
            restricted.ex_groups.add(g);
        }
        list.entries.add(open);
        list.entries.add(restricted);

        exports e = roundTrip(list, new exports());
        assertEquals(2, e.entries.size());
        assertTrue(e.entries.get(0).ex_groups.isEmpty());
        assertEquals("/private", e.entries.get(1).ex_dir);
        assertEquals("admin-host", e.entries.get(1).ex_groups.get(1).gr_name);

        assertEquals("/export", roundTrip(new dirpath("/export"), new dirpath()).value);
    }
}
