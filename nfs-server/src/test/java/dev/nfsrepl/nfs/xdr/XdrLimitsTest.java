package dev.nfsrepl.nfs.xdr;

import static dev.nfsrepl.nfs.xdr.XdrTestSupport.decode;
import static dev.nfsrepl.nfs.xdr.XdrTestSupport.encode;
import static dev.nfsrepl.nfs.xdr.XdrTestSupport.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.junit.jupiter.api.Test;

/** Hostile or broken input must fail with a checked XDR error, never allocate blindly. */
class XdrLimitsTest {

    /** An XDR length followed by {@code len} bytes of 'x' and padding. */
    private static byte[] opaqueOf(int len) {
        ByteBuffer b = ByteBuffer.allocate(4 + len + XdrCodec.padding(len));
        b.putInt(len);
        byte[] body = new byte[len];
        Arrays.fill(body, (byte) 'x');
        b.put(body);
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    @Test
    void fileHandleOf64BytesIsAccepted() throws IOException {
        assertEquals(64, decode(opaqueOf(64), new nfs_fh3()).data.length);
    }

    @Test
    void fileHandleOf65BytesIsRejected() {
        assertThrows(BadXdrException.class, () -> decode(opaqueOf(65), new nfs_fh3()));
    }

    @Test
    void fileHandleWithHugeLengthIsRejectedBeforeAllocating() {
        assertThrows(BadXdrException.class, () -> decode(hex("7fffffff"), new nfs_fh3()));
        assertThrows(BadXdrException.class, () -> decode(hex("ffffffff"), new nfs_fh3()));
    }

    @Test
    void fileHandleOf65BytesIsNotEncoded() {
        assertThrows(BadXdrException.class, () -> encode(new nfs_fh3(new byte[65])));
    }

    @Test
    void filenameOf5000BytesIsRejected() {
        byte[] args = concat(opaqueOf(8), opaqueOf(5000)); // diropargs3: dir handle, name
        assertThrows(BadXdrException.class, () -> decode(args, new LOOKUP3args()));
    }

    @Test
    void filenameAtTheCapIsAccepted() throws IOException {
        byte[] args = concat(opaqueOf(8), opaqueOf(filename3.MAX_LENGTH));
        assertEquals(filename3.MAX_LENGTH, decode(args, new LOOKUP3args()).what.name.length());
    }

    @Test
    void symlinkTargetOver4096BytesIsRejected() {
        SYMLINK3args args = new SYMLINK3args();
        args.symlink.symlink_data = "y".repeat(nfspath3.MAX_LENGTH + 1);
        assertThrows(BadXdrException.class, () -> encode(args));

        byte[] bytes = concat(hex("00000000"), opaqueOf(nfspath3.MAX_LENGTH + 1));
        // READLINK3resok: post_op_attr FALSE, then the path
        assertThrows(BadXdrException.class, () -> decode(bytes, new READLINK3resok()));
    }

    @Test
    void mountPathLongerThanMntpathlenIsRejected() throws IOException {
        assertEquals(1024, decode(opaqueOf(1024), new dirpath()).value.length());
        assertThrows(BadXdrException.class, () -> decode(opaqueOf(1025), new dirpath()));
        assertThrows(BadXdrException.class, () -> decode(opaqueOf(256), new name()));
        assertThrows(BadXdrException.class, () -> decode(opaqueOf(65), new fhandle3()));
    }

    @Test
    void writeDataOverTheCapIsRejectedBeforeReadingIt() {
        // handle, offset, count, stable, then a data length of 4 MiB + 1 with no data
        byte[] header = concat(opaqueOf(8), new byte[8], new byte[4], new byte[4]);
        byte[] tooLong = concat(header, hex("00400001"));
        assertThrows(BadXdrException.class, () -> decode(tooLong, new WRITE3args()));

        // a length whose padding overflows an int must not reach the buffer slicing
        byte[] overflow = concat(header, hex("7fffffff"));
        assertThrows(BadXdrException.class, () -> decode(overflow, new WRITE3args()));
    }

    @Test
    void writeDataShorterThanAnnouncedIsAnXdrError() {
        byte[] header = concat(opaqueOf(8), new byte[8], new byte[4], new byte[4]);
        byte[] truncated = concat(header, hex("00000010 01020304"));
        IOException e = assertThrows(IOException.class, () -> decode(truncated, new WRITE3args()));
        // oncrpc4j reports a short stream with its own BadXdrOncRpcException
        assertEquals("BadXdrOncRpcException", e.getClass().getSimpleName());
    }

    @Test
    void writeDataAtTheCapIsAccepted() throws IOException {
        byte[] header = concat(opaqueOf(8), new byte[8], new byte[4], new byte[4]);
        byte[] args = concat(header, opaqueOf(WRITE3args.MAX_DATA));
        assertEquals(WRITE3args.MAX_DATA, decode(args, new WRITE3args()).data.remaining());
    }

    @Test
    void unknownCreateModeHasNoArm() {
        // diropargs3 (empty handle, name "a"), then createmode3 = 3
        byte[] args = hex("00000000 00000001 61000000 00000003");
        BadXdrException e =
                assertThrows(BadXdrException.class, () -> decode(args, new CREATE3args()));
        assertEquals(OncRpcException.class, e.getClass().getSuperclass());
    }

    @Test
    void tooManyAuthFlavorsAreRejected() {
        byte[] res = concat(hex("00000000"), opaqueOf(4), hex("7fffffff"));
        assertThrows(BadXdrException.class, () -> decode(res, new mountres3()));
    }

    @Test
    void wrongVerifierSizeIsNotEncoded() {
        COMMIT3resok resok = new COMMIT3resok();
        resok.verf = new byte[7];
        assertThrows(BadXdrException.class, () -> encode(resok));
    }
}
