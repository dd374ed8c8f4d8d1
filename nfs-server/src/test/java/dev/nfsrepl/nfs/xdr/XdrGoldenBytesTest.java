package dev.nfsrepl.nfs.xdr;

import static dev.nfsrepl.nfs.xdr.XdrTestSupport.decode;
import static dev.nfsrepl.nfs.xdr.XdrTestSupport.encode;
import static dev.nfsrepl.nfs.xdr.XdrTestSupport.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.dcache.oncrpc4j.xdr.Xdr;
import org.junit.jupiter.api.Test;

/** Encodings computed by hand from the XDR in RFC 1813 (and RFC 4506 for XDR itself). */
class XdrGoldenBytesTest {

    /** A regular file with every fattr3 field distinct, to catch any reordering. */
    static fattr3 sampleAttributes() {
        fattr3 a = new fattr3();
        a.type = nfs3_prot.NF3REG;
        a.mode = 0644;
        a.nlink = 1;
        a.uid = 1000;
        a.gid = 100;
        a.size = 4096;
        a.used = 8192;
        a.rdev.specdata1 = 8;
        a.rdev.specdata2 = 1;
        a.fsid = 0x0102030405060708L;
        a.fileid = 0xFFFFFFFFFFFFFFFEL; // 2^64 - 2: unsigned on the wire
        a.atime = new nfstime3(1_700_000_000, 5);
        a.mtime = new nfstime3(1_700_000_001, 6);
        a.ctime = new nfstime3(1_700_000_002, 999_999_999);
        return a;
    }

    // type, mode, nlink, uid, gid (5 x uint32), size, used (uint64), rdev (2 x uint32),
    // fsid, fileid (uint64), atime, mtime, ctime (2 x uint32 each): 84 bytes.
    static final String SAMPLE_ATTRIBUTES_HEX = ""
            + "00000001 000001a4 00000001 000003e8 00000064"
            + "00000000 00001000 00000000 00002000"
            + "00000008 00000001"
            + "01020304 05060708 ffffffff fffffffe"
            + "6553f100 00000005"
            + "6553f101 00000006"
            + "6553f102 3b9ac9ff";

    @Test
    void fattr3EncodesFieldsInRfcOrder() throws IOException {
        byte[] bytes = encode(sampleAttributes());

        assertEquals(84, bytes.length);
        assertArrayEquals(hex(SAMPLE_ATTRIBUTES_HEX), bytes);
    }

    @Test
    void fattr3DecodesFromHandComputedBytes() throws IOException {
        fattr3 a = decode(hex(SAMPLE_ATTRIBUTES_HEX), new fattr3());

        assertEquals(nfs3_prot.NF3REG, a.type);
        assertEquals(0644, a.mode);
        assertEquals(1000, a.uid);
        assertEquals(4096, a.size);
        assertEquals(8192, a.used);
        assertEquals(8, a.rdev.specdata1);
        assertEquals(1, a.rdev.specdata2);
        assertEquals("18446744073709551614", Long.toUnsignedString(a.fileid));
        assertEquals(1_700_000_002, a.ctime.seconds);
        assertEquals(999_999_999, a.ctime.nseconds);
    }

    @Test
    void getattrStaleIsJustTheStatus() throws IOException {
        GETATTR3res res = new GETATTR3res();
        res.status = nfs3_prot.NFS3ERR_STALE;

        byte[] bytes = encode(res);

        assertArrayEquals(hex("00000046"), bytes);
        GETATTR3res back = decode(bytes, new GETATTR3res());
        assertEquals(70, back.status);
        assertNull(back.resok);
    }

    @Test
    void getattrOkIsStatusThenAttributes() throws IOException {
        GETATTR3res res = new GETATTR3res();
        res.status = nfs3_prot.NFS3_OK;
        res.resok = new GETATTR3resok();
        res.resok.obj_attributes = sampleAttributes();

        assertArrayEquals(hex("00000000" + SAMPLE_ATTRIBUTES_HEX), encode(res));
    }

    @Test
    void lookupFailureWithoutDirectoryAttributes() throws IOException {
        LOOKUP3res res = new LOOKUP3res();
        res.status = nfs3_prot.NFS3ERR_NOENT;
        res.resfail = new LOOKUP3resfail();

        // status NOENT, post_op_attr with attributes_follow FALSE
        assertArrayEquals(hex("00000002 00000000"), encode(res));
    }

    @Test
    void setattrArgumentsWithEveryUnionArm() throws IOException {
        SETATTR3args args = new SETATTR3args();
        args.object = new nfs_fh3(new byte[] {1, 2, 3, 4, 5});
        args.new_attributes.mode = new set_mode3(0755);
        args.new_attributes.size = new set_size3(0x1_0000_0000L);
        args.new_attributes.atime = new set_atime(nfs3_prot.SET_TO_SERVER_TIME);
        args.new_attributes.mtime = new set_mtime(new nfstime3(7, 8));
        args.guard = new sattrguard3(new nfstime3(9, 10));

        String expected = ""
                + "00000005 01020304 05000000" // nfs_fh3: length 5, data, 3 bytes of zero padding
                + "00000001 000001ed"          // mode: set_it TRUE, 0755
                + "00000000"                   // uid: set_it FALSE
                + "00000000"                   // gid: set_it FALSE
                + "00000001 00000001 00000000" // size: set_it TRUE, 2^32
                + "00000001"                   // atime: SET_TO_SERVER_TIME, no time
                + "00000002 00000007 00000008" // mtime: SET_TO_CLIENT_TIME, 7 s 8 ns
                + "00000001 00000009 0000000a"; // guard: check TRUE, ctime 9 s 10 ns
        byte[] bytes = encode(args);
        assertArrayEquals(hex(expected), bytes);

        SETATTR3args back = decode(bytes, new SETATTR3args());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, back.object.data);
        assertEquals(0755, back.new_attributes.mode.mode);
        assertFalse(back.new_attributes.uid.set_it);
        assertEquals(0x1_0000_0000L, back.new_attributes.size.size);
        assertEquals(nfs3_prot.SET_TO_SERVER_TIME, back.new_attributes.atime.set_it);
        assertNull(back.new_attributes.atime.atime);
        assertEquals(8, back.new_attributes.mtime.mtime.nseconds);
        assertEquals(9, back.guard.obj_ctime.seconds);
    }

    @Test
    void emptyExportListIsASingleFalse() throws IOException {
        assertArrayEquals(hex("00000000"), encode(new exports()));
        assertArrayEquals(hex("00000000"), encode(new mountlist()));
    }

    @Test
    void readdirListIsAChainOfValueFollowsFlags() throws IOException {
        dirlist3 list = new dirlist3();
        entry3 e = new entry3();
        e.fileid = 2;
        e.name = "a";
        e.cookie = 3;
        list.entries.add(e);
        list.eof = true;

        String expected = ""
                + "00000001"                            // value follows
                + "00000000 00000002 00000001 61000000" // fileid, name "a" padded
                + "00000000 00000003"                   // cookie
                + "00000000"                            // no more entries
                + "00000001";                           // eof
        assertArrayEquals(hex(expected), encode(list));
    }

    @Test
    void dataPaddingIsZeroEvenInAReusedBuffer() throws IOException {
        Xdr xdr = new Xdr(64);
        xdr.beginEncoding();
        for (int i = 0; i < 16; i++) {
            xdr.xdrEncodeInt(-1); // leave 0xff bytes behind
        }
        xdr.endEncoding();

        READ3resok resok = new READ3resok();
        resok.count = 1;
        resok.data = ByteBuffer.wrap(new byte[] {9});
        xdr.beginEncoding();
        resok.xdrEncode(xdr);
        xdr.endEncoding();

        // no attributes, count 1, eof FALSE, length 1, 0x09 and three zero bytes
        assertArrayEquals(hex("00000000 00000001 00000000 00000001 09000000"), xdr.getBytes());
    }
}
