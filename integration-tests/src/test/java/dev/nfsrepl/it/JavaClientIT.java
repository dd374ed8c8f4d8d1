package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.emc.ecs.nfsclient.nfs.NfsCreateMode;
import com.emc.ecs.nfsclient.nfs.NfsDirectoryEntry;
import com.emc.ecs.nfsclient.nfs.NfsDirectoryPlusEntry;
import com.emc.ecs.nfsclient.nfs.NfsFsInfo;
import com.emc.ecs.nfsclient.nfs.NfsFsStat;
import com.emc.ecs.nfsclient.nfs.NfsGetAttributes;
import com.emc.ecs.nfsclient.nfs.NfsPosixAttributes;
import com.emc.ecs.nfsclient.nfs.NfsResponseBase;
import com.emc.ecs.nfsclient.nfs.NfsSetAttributes;
import com.emc.ecs.nfsclient.nfs.NfsStatus;
import com.emc.ecs.nfsclient.nfs.NfsTime;
import com.emc.ecs.nfsclient.nfs.NfsType;
import com.emc.ecs.nfsclient.nfs.NfsWriteRequest;
import com.emc.ecs.nfsclient.nfs.nfs3.Nfs3;
import com.emc.ecs.nfsclient.nfs.nfs3.Nfs3CreateResponse;
import com.emc.ecs.nfsclient.nfs.nfs3.Nfs3LookupResponse;
import com.emc.ecs.nfsclient.nfs.nfs3.Nfs3MknodResponse;
import com.emc.ecs.nfsclient.nfs.nfs3.Nfs3ReadResponse;
import com.emc.ecs.nfsclient.nfs.nfs3.Nfs3ReaddirResponse;
import com.emc.ecs.nfsclient.nfs.nfs3.Nfs3ReaddirplusResponse;
import com.emc.ecs.nfsclient.nfs.nfs3.Nfs3WriteResponse;
import com.emc.ecs.nfsclient.rpc.CredentialUnix;
import com.emc.ecs.nfsclient.rpc.RpcException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every NFSv3 procedure through an independent Java client (com.emc.ecs nfs-client), which
 * finds the server through the portmapper on port 111. Results are checked against what the
 * client sees and against the export on disk.
 */
@Timeout(600)
class JavaClientIT {

    private static final long ACCESS_ALL = 0x3f;
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    private Path export;
    private TestServer server;
    private Nfs3 nfs;
    private byte[] root;

    @BeforeEach
    void start() throws IOException {
        export = Files.createDirectories(tmp.resolve("export"));
        server = TestServer.withPortmap(export, tmp.resolve("state"));
        nfs = client(0, 0);
        root = nfs.getRootFileHandle();
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private Nfs3 client(int uid, int gid) throws IOException {
        return new Nfs3("127.0.0.1", export.toAbsolutePath().normalize().toString(),
                new CredentialUnix(uid, gid, null), 1);
    }

    private static <R extends NfsResponseBase> R ok(R r, String what) {
        assertEquals(NfsStatus.NFS3_OK.getValue(), r.getState(), what + ": " + status(r.getState()));
        return r;
    }

    private static void expect(NfsStatus want, NfsResponseBase r, String what) {
        assertEquals(want.getValue(), r.getState(), what + ": want " + want + ", got " + status(r.getState()));
    }

    private static String status(int s) {
        try {
            return NfsStatus.fromValue(s) + " (" + s + ")";
        } catch (RuntimeException e) {
            return String.valueOf(s);
        }
    }

    private NfsGetAttributes getattr(byte[] fh) throws IOException {
        return ok(nfs.getAttr(nfs.makeGetAttrRequest(fh)), "GETATTR").getAttributes();
    }

    private Nfs3LookupResponse lookup(byte[] dir, String name) throws IOException {
        return nfs.getLookup(nfs.makeLookupRequest(dir, name));
    }

    private byte[] lookupFh(byte[] dir, String name) throws IOException {
        return ok(lookup(dir, name), "LOOKUP " + name).getFileHandle();
    }

    private static NfsSetAttributes attrs() {
        return new NfsSetAttributes();
    }

    private static NfsSetAttributes mode(int mode) {
        NfsSetAttributes a = new NfsSetAttributes();
        a.setMode((long) mode);
        return a;
    }

    private static int diskMode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    private static long diskIno(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    }

    private byte[] createFile(byte[] dir, String name, byte[] content) throws IOException {
        byte[] fh = ok(nfs.sendCreate(nfs.makeCreateRequest(NfsCreateMode.UNCHECKED, dir, name, mode(0644), null)),
                "CREATE " + name).getFileHandle();
        if (content.length > 0) {
            Nfs3WriteResponse w = ok(nfs.sendWrite(nfs.makeWriteRequest(fh, 0, new ArrayList<>(List.of(ByteBuffer.wrap(content))),
                    NfsWriteRequest.FILE_SYNC)), "WRITE " + name);
            assertEquals(content.length, w.getCount(), "WRITE count of " + name);
        }
        return fh;
    }

    private byte[] read(byte[] fh, long offset, int size) throws IOException {
        byte[] buf = new byte[size];
        Nfs3ReadResponse r = ok(nfs.getRead(nfs.makeReadRequest(fh, offset, size), buf, 0), "READ");
        return java.util.Arrays.copyOf(buf, r.getBytesRead());
    }

    // ------------------------------------------------------------------ attributes

    @Test
    void getattrAndSetattrOfModeTimesAndSize() throws Exception {
        Path f = Files.write(export.resolve("attrs"), "0123456789".getBytes(StandardCharsets.US_ASCII));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        byte[] fh = lookupFh(root, "attrs");

        NfsGetAttributes a = getattr(fh);
        assertEquals(NfsType.NFS_REG, a.getType());
        assertEquals(0644, a.getMode() & 07777, "GETATTR mode");
        assertEquals(10, a.getSize(), "GETATTR size");
        assertEquals(1, a.getNlink(), "GETATTR nlink");
        assertEquals(0, a.getUid(), "GETATTR uid");
        assertEquals(Files.getLastModifiedTime(f).toMillis(), a.getMtime().getTimeInMillis(), "GETATTR mtime");
        NfsGetAttributes rootAttrs = getattr(root);
        assertEquals(NfsType.NFS_DIR, rootAttrs.getType(), "root type");
        assertEquals(a.getFsid(), rootAttrs.getFsid(), "one fsid for the export");
        assertNotEquals(a.getFileid(), rootAttrs.getFileid(), "distinct fileids");

        ok(nfs.setAttr(nfs.makeSetAttrRequest(fh, mode(0600), null)), "SETATTR mode");
        assertEquals(0600, getattr(fh).getMode() & 07777, "mode after SETATTR");
        assertEquals(0600, diskMode(f) & 07777, "mode on disk after SETATTR");

        long atime = Instant.parse("2001-02-03T04:05:06.789Z").toEpochMilli();
        long mtime = Instant.parse("2002-03-04T05:06:07.891Z").toEpochMilli();
        NfsSetAttributes times = attrs();
        times.setAtime(new NfsTime(atime));
        times.setMtime(new NfsTime(mtime));
        ok(nfs.setAttr(nfs.makeSetAttrRequest(fh, times, null)), "SETATTR times");
        NfsGetAttributes t = getattr(fh);
        assertEquals(atime, t.getAtime().getTimeInMillis(), "atime after SETATTR");
        assertEquals(mtime, t.getMtime().getTimeInMillis(), "mtime after SETATTR");
        assertEquals(FileTime.fromMillis(mtime), Files.getLastModifiedTime(f), "mtime on disk");

        long before = System.currentTimeMillis() - 5_000;
        NfsSetAttributes now = attrs();
        now.setMtime(NfsTime.SET_TO_CURRENT_ON_SERVER);
        ok(nfs.setAttr(nfs.makeSetAttrRequest(fh, now, null)), "SETATTR mtime to server time");
        long serverNow = getattr(fh).getMtime().getTimeInMillis();
        assertTrue(serverNow >= before && serverNow <= System.currentTimeMillis() + 5_000,
                "mtime set to the server's time: " + Instant.ofEpochMilli(serverNow));

        NfsSetAttributes truncate = attrs();
        truncate.setSize(4L);
        ok(nfs.setAttr(nfs.makeSetAttrRequest(fh, truncate, null)), "SETATTR truncate");
        assertEquals(4, getattr(fh).getSize(), "size after truncate");
        assertEquals("0123", Files.readString(f), "content on disk after truncate");

        NfsSetAttributes extend = attrs();
        extend.setSize(3L * MIB);
        ok(nfs.setAttr(nfs.makeSetAttrRequest(fh, extend, null)), "SETATTR extend");
        assertEquals(3L * MIB, getattr(fh).getSize(), "size after extend");
        assertEquals(3L * MIB, Files.size(f), "size on disk after extend");
        byte[] tail = read(fh, 3L * MIB - 8, 8);
        assertArrayEquals(new byte[8], tail, "the extension reads as zeros");
        assertArrayEquals("0123".getBytes(StandardCharsets.US_ASCII), read(fh, 0, 4), "the kept prefix");

        // A guarded SETATTR with a stale ctime is refused.
        NfsSetAttributes guarded = mode(0640);
        expect(NfsStatus.NFS3ERR_NOT_SYNC, nfs.setAttr(nfs.makeSetAttrRequest(fh, guarded, new NfsTime(1000, false))),
                "SETATTR guarded by a wrong ctime");
        assertEquals(0600, diskMode(f) & 07777, "mode unchanged by a refused guarded SETATTR");

        Files.createDirectory(export.resolve("d"));
        NfsSetAttributes dirSize = attrs();
        dirSize.setSize(0L);
        expect(NfsStatus.NFS3ERR_ISDIR, nfs.setAttr(nfs.makeSetAttrRequest(lookupFh(root, "d"), dirSize, null)),
                "SETATTR size of a directory");
    }

    // ------------------------------------------------------------------ lookup and access

    @Test
    void lookupAndAccess() throws Exception {
        Files.createDirectories(export.resolve("dir/sub"));
        Path own = Files.writeString(export.resolve("dir/secret"), "s");
        Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rw-------"));
        Path pub = Files.writeString(export.resolve("dir/public"), "p");
        Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rw-r--r--"));
        Path script = Files.writeString(export.resolve("dir/script"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        Nfs3LookupResponse dir = ok(lookup(root, "dir"), "LOOKUP dir");
        assertEquals(NfsType.NFS_DIR, dir.getAttributes().getType(), "LOOKUP returns the object's attributes");
        byte[] dirFh = dir.getFileHandle();
        assertArrayEquals(dirFh, lookupFh(root, "dir"), "handles are stable");
        assertArrayEquals(dirFh, lookupFh(lookupFh(dirFh, "sub"), ".."), "'..' of dir/sub is dir");
        expect(NfsStatus.NFS3ERR_NOENT, lookup(dirFh, "absent"), "LOOKUP of a missing name");

        byte[] secret = lookupFh(dirFh, "secret");
        byte[] publicFh = lookupFh(dirFh, "public");
        byte[] scriptFh = lookupFh(dirFh, "script");
        // ACCESS3 bits: READ 1, LOOKUP 2, MODIFY 4, EXTEND 8, DELETE 0x10, EXECUTE 0x20
        assertEquals(0x0d, ok(nfs.getAccess(nfs.makeAccessRequest(publicFh, ACCESS_ALL)), "ACCESS").getAccess(),
                "root on a 0644 file: read, modify, extend");
        assertEquals(0x2d, ok(nfs.getAccess(nfs.makeAccessRequest(scriptFh, ACCESS_ALL)), "ACCESS").getAccess(),
                "root on a 0755 file: read, modify, extend, execute");
        assertEquals(0x1f, ok(nfs.getAccess(nfs.makeAccessRequest(dirFh, ACCESS_ALL)), "ACCESS").getAccess(),
                "root on a directory: read, lookup, modify, extend, delete");
        assertEquals(0x01, ok(nfs.getAccess(nfs.makeAccessRequest(publicFh, 0x01)), "ACCESS").getAccess(),
                "only the bits asked for are answered");

        Nfs3 user = client(1000, 1000);
        assertEquals(0, ok(user.getAccess(user.makeAccessRequest(secret, ACCESS_ALL)), "ACCESS").getAccess(),
                "uid 1000 on root's 0600 file: nothing");
        assertEquals(0x01, ok(user.getAccess(user.makeAccessRequest(publicFh, ACCESS_ALL)), "ACCESS").getAccess(),
                "uid 1000 on root's 0644 file: read only");
        assertEquals(0x21, ok(user.getAccess(user.makeAccessRequest(scriptFh, ACCESS_ALL)), "ACCESS").getAccess(),
                "uid 1000 on root's 0755 file: read, execute");
        byte[] buf = new byte[10];
        expect(NfsStatus.NFS3ERR_ACCES, user.getRead(user.makeReadRequest(secret, 0, 10), buf, 0),
                "READ of root's 0600 file by uid 1000");
    }

    /**
     * RFC 1813: a "directory" handle that names a non-directory gets NFS3ERR_NOTDIR. knfsd checks
     * the type before any permission, so the mode of the file must not change the answer: root
     * gets NOTDIR for a 0644 file exactly as for a 0755 one.
     */
    @Test
    void directoryProceduresOnAFileAreNotDirWhateverItsMode() throws Exception {
        Path plain = Files.writeString(export.resolve("plain"), "p");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));
        Path exe = Files.writeString(export.resolve("exe"), "e");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(export.resolve("other"), "o");
        byte[] other = lookupFh(root, "other");
        List<String> wrong = new ArrayList<>();
        for (String name : List.of("exe", "plain")) {
            byte[] f = lookupFh(root, name);
            Map<String, NfsResponseBase> answers = new java.util.LinkedHashMap<>();
            answers.put("LOOKUP", lookup(f, "x"));
            answers.put("CREATE", nfs.sendCreate(nfs.makeCreateRequest(NfsCreateMode.GUARDED, f, "x", mode(0644),
                    null)));
            answers.put("MKDIR", nfs.sendMkdir(nfs.makeMkdirRequest(f, "x", mode(0755))));
            answers.put("SYMLINK", nfs.sendSymlink(nfs.makeSymlinkRequest("t", f, "x", attrs())));
            answers.put("MKNOD", nfs.sendMknod(nfs.makeMknodRequest(f, "x", NfsType.NFS_FIFO, mode(0644), null)));
            answers.put("REMOVE", nfs.sendRemove(nfs.makeRemoveRequest(f, "x")));
            answers.put("RMDIR", nfs.sendRmdir(nfs.makeRmdirRequest(f, "x")));
            answers.put("RENAME from", nfs.sendRename(nfs.makeRenameRequest(f, "x", root, "y")));
            answers.put("RENAME to", nfs.sendRename(nfs.makeRenameRequest(root, "other", f, "y")));
            answers.put("LINK", nfs.sendLink(nfs.makeLinkRequest(other, f, "x")));
            answers.put("READDIR", nfs.getReaddir(nfs.makeReaddirRequest(f, 0, 0, 4096)));
            answers.put("READDIRPLUS", nfs.getReaddirplus(nfs.makeReaddirplusRequest(f, 0, 0, 4096, 16384)));
            String mode = name.equals("exe") ? "0755" : "0644";
            answers.forEach((proc, r) -> {
                if (r.getState() != NfsStatus.NFS3ERR_NOTDIR.getValue()) {
                    wrong.add(proc + " in a " + mode + " file: " + status(r.getState()));
                }
            });
        }
        assertTrue(Files.exists(export.resolve("other")), "RENAME into a file moved the source");
        assertEquals(List.of(), wrong, "want NFS3ERR_NOTDIR (20) from every directory procedure given a file");
    }

    // ------------------------------------------------------------------ data

    @Test
    void readWriteUnstableWithCommitAndFileSync() throws Exception {
        byte[] fh = ok(nfs.sendCreate(nfs.makeCreateRequest(NfsCreateMode.GUARDED, root, "data", mode(0644), null)),
                "CREATE data").getFileHandle();
        byte[] first = new byte[300_000];
        new java.util.Random(1).nextBytes(first);
        Nfs3WriteResponse w1 = ok(nfs.sendWrite(nfs.makeWriteRequest(fh, 0, new ArrayList<>(List.of(ByteBuffer.wrap(first))),
                NfsWriteRequest.UNSTABLE)), "WRITE unstable");
        assertEquals(first.length, w1.getCount(), "WRITE count");
        assertEquals(NfsWriteRequest.UNSTABLE, w1.getCommitted(), "an UNSTABLE write is reported unstable");
        long verifier = w1.getVerf();
        long commitVerifier = ok(nfs.sendCommit(nfs.makeCommitRequest(fh, 0, 0)), "COMMIT").getVerf();
        assertEquals(verifier, commitVerifier, "COMMIT's verifier matches the WRITE's (no restart)");

        byte[] second = "appended with FILE_SYNC".getBytes(StandardCharsets.US_ASCII);
        Nfs3WriteResponse w2 = ok(nfs.sendWrite(nfs.makeWriteRequest(fh, first.length,
                new ArrayList<>(List.of(ByteBuffer.wrap(second))), NfsWriteRequest.FILE_SYNC)), "WRITE file_sync");
        assertEquals(second.length, w2.getCount());
        assertEquals(NfsWriteRequest.FILE_SYNC, w2.getCommitted(), "FILE_SYNC write is reported FILE_SYNC");
        assertEquals(verifier, w2.getVerf(), "one write verifier per server instance");

        byte[] expected = new byte[first.length + second.length];
        System.arraycopy(first, 0, expected, 0, first.length);
        System.arraycopy(second, 0, expected, first.length, second.length);
        assertArrayEquals(expected, Files.readAllBytes(export.resolve("data")), "file on disk");
        assertEquals(expected.length, getattr(fh).getSize(), "GETATTR size after writes");

        byte[] buf = new byte[expected.length + 100];
        Nfs3ReadResponse whole = ok(nfs.getRead(nfs.makeReadRequest(fh, 0, buf.length), buf, 0), "READ all");
        assertEquals(expected.length, whole.getBytesRead(), "READ count");
        assertTrue(whole.isEof(), "READ to the end reports eof");
        assertArrayEquals(expected, java.util.Arrays.copyOf(buf, whole.getBytesRead()), "READ content");

        byte[] part = new byte[1000];
        Nfs3ReadResponse mid = ok(nfs.getRead(nfs.makeReadRequest(fh, 1234, 1000), part, 0), "READ middle");
        assertEquals(1000, mid.getBytesRead());
        assertFalse(mid.isEof(), "a READ in the middle is not eof");
        assertArrayEquals(java.util.Arrays.copyOfRange(expected, 1234, 2234), part);

        Nfs3ReadResponse past = ok(nfs.getRead(nfs.makeReadRequest(fh, 10L * MIB, 10), new byte[10], 0),
                "READ past the end");
        assertEquals(0, past.getBytesRead(), "READ past the end returns nothing");
        assertTrue(past.isEof(), "READ past the end is eof");

        // A write far out leaves a hole
        ok(nfs.sendWrite(nfs.makeWriteRequest(fh, 2L * MIB, new ArrayList<>(List.of(ByteBuffer.wrap(new byte[] {7}))),
                NfsWriteRequest.DATA_SYNC)), "WRITE data_sync beyond the end");
        assertEquals(2L * MIB + 1, Files.size(export.resolve("data")), "size after a write beyond the end");
        expect(NfsStatus.NFS3ERR_ISDIR, nfs.getRead(nfs.makeReadRequest(root, 0, 10), new byte[10], 0),
                "READ of a directory");
    }

    // ------------------------------------------------------------------ creation

    @Test
    void createInEveryModeAndMkdir() throws Exception {
        Nfs3CreateResponse u = ok(nfs.sendCreate(nfs.makeCreateRequest(NfsCreateMode.UNCHECKED, root, "u",
                mode(0640), null)), "CREATE unchecked");
        Path up = export.resolve("u");
        assertTrue(Files.isRegularFile(up, LinkOption.NOFOLLOW_LINKS), "created on disk");
        assertEquals(0640, diskMode(up) & 07777, "mode from the CREATE attributes");
        assertEquals(0640, u.getAttributes().getMode() & 07777, "CREATE returns the new attributes");
        Files.writeString(up, "some content");
        NfsSetAttributes truncating = mode(0600);
        truncating.setSize(0L);
        Nfs3CreateResponse u2 = ok(nfs.sendCreate(nfs.makeCreateRequest(NfsCreateMode.UNCHECKED, root, "u",
                truncating, null)), "CREATE unchecked of an existing file");
        assertArrayEquals(u.getFileHandle(), u2.getFileHandle(), "UNCHECKED on an existing file returns it");
        assertEquals(0, Files.size(up), "UNCHECKED with size 0 truncates the existing file");

        expect(NfsStatus.NFS3ERR_EXIST, nfs.sendCreate(nfs.makeCreateRequest(NfsCreateMode.GUARDED, root, "u",
                mode(0644), null)), "GUARDED CREATE of an existing name");
        Nfs3CreateResponse g = ok(nfs.sendCreate(nfs.makeCreateRequest(NfsCreateMode.GUARDED, root, "g",
                mode(0644), null)), "GUARDED CREATE of a new name");
        assertNotNull(g.getFileHandle());

        byte[] verf = {1, 2, 3, 4, 5, 6, 7, 8};
        Nfs3CreateResponse x = ok(nfs.sendCreate(nfs.makeCreateRequest(NfsCreateMode.EXCLUSIVE, root, "x", null,
                verf)), "EXCLUSIVE CREATE");
        Nfs3CreateResponse x2 = ok(nfs.sendCreate(nfs.makeCreateRequest(NfsCreateMode.EXCLUSIVE, root, "x", null,
                verf.clone())), "EXCLUSIVE CREATE retried with the same verifier");
        assertArrayEquals(x.getFileHandle(), x2.getFileHandle(), "the retry names the same file");
        expect(NfsStatus.NFS3ERR_EXIST, nfs.sendCreate(nfs.makeCreateRequest(NfsCreateMode.EXCLUSIVE, root, "x",
                null, new byte[] {8, 7, 6, 5, 4, 3, 2, 1})), "EXCLUSIVE CREATE with another verifier");
        // The client then sets the attributes it wanted, as RFC 1813 prescribes after EXCLUSIVE
        ok(nfs.setAttr(nfs.makeSetAttrRequest(x.getFileHandle(), mode(0644), null)), "SETATTR after EXCLUSIVE");
        assertEquals(0644, diskMode(export.resolve("x")) & 07777);

        byte[] dir = ok(nfs.sendMkdir(nfs.makeMkdirRequest(root, "newdir", mode(0750))), "MKDIR").getFileHandle();
        assertTrue(Files.isDirectory(export.resolve("newdir"), LinkOption.NOFOLLOW_LINKS), "directory on disk");
        assertEquals(0750, diskMode(export.resolve("newdir")) & 07777, "MKDIR mode");
        assertEquals(NfsType.NFS_DIR, getattr(dir).getType());
        expect(NfsStatus.NFS3ERR_EXIST, nfs.sendMkdir(nfs.makeMkdirRequest(root, "newdir", mode(0755))),
                "MKDIR of an existing name");
    }

    @Test
    void symlinkAndReadlink() throws Exception {
        byte[] dir = ok(nfs.sendMkdir(nfs.makeMkdirRequest(root, "newdir", mode(0755))), "MKDIR").getFileHandle();
        byte[] link = ok(nfs.sendSymlink(nfs.makeSymlinkRequest("../some/where", dir, "lnk", attrs())), "SYMLINK")
                .getFileHandle();
        Path lp = export.resolve("newdir/lnk");
        assertTrue(Files.isSymbolicLink(lp), "symlink on disk");
        assertEquals("../some/where", Files.readSymbolicLink(lp).toString(), "symlink target on disk");
        assertEquals(NfsType.NFS_LNK, getattr(link).getType(), "GETATTR type of a symlink");
        assertEquals("../some/where", ok(nfs.getReadlink(nfs.makeReadlinkRequest(link)), "READLINK").getData());
        expect(NfsStatus.NFS3ERR_INVAL, nfs.getReadlink(nfs.makeReadlinkRequest(dir)), "READLINK of a directory");
    }

    @Test
    void mknodOfDevicesIsBadType() throws Exception {
        byte[] dir = ok(nfs.sendMkdir(nfs.makeMkdirRequest(root, "newdir", mode(0755))), "MKDIR").getFileHandle();
        expect(NfsStatus.NFS3ERR_BADTYPE, nfs.sendMknod(nfs.makeMknodRequest(dir, "blk", NfsType.NFS_BLK, mode(0600),
                new long[] {8, 0})), "MKNOD of a block device");
        expect(NfsStatus.NFS3ERR_BADTYPE, nfs.sendMknod(nfs.makeMknodRequest(dir, "chr", NfsType.NFS_CHR, mode(0600),
                new long[] {1, 3})), "MKNOD of a character device");
        assertFalse(Files.exists(export.resolve("newdir/blk"), LinkOption.NOFOLLOW_LINKS), "no block device made");
        assertFalse(Files.exists(export.resolve("newdir/chr"), LinkOption.NOFOLLOW_LINKS), "no char device made");
    }

    @Test
    void mknodFifo() throws Exception {
        byte[] dir = ok(nfs.sendMkdir(nfs.makeMkdirRequest(root, "newdir", mode(0755))), "MKDIR").getFileHandle();
        Path fp = export.resolve("newdir/fifo");
        Nfs3MknodResponse made;
        try {
            made = nfs.sendMknod(nfs.makeMknodRequest(dir, "fifo", NfsType.NFS_FIFO, mode(0620), null));
        } catch (RpcException e) {
            String onDisk = Files.exists(fp, LinkOption.NOFOLLOW_LINKS)
                    ? "a FIFO of mode " + Integer.toOctalString(diskMode(fp)) + " exists on disk" : "nothing on disk";
            releaseFifoOpeners(fp);
            fail("MKNOD of a FIFO got no reply within the client's timeout (" + e.getMessage() + "); " + onDisk
                    + ": a server thread opening the FIFO blocks until a writer appears");
            return;
        }
        byte[] fifo = ok(made, "MKNOD fifo").getFileHandle();
        assertEquals(0010000, diskMode(fp) & 0170000, "a FIFO on disk");
        assertEquals(0620, diskMode(fp) & 07777, "FIFO mode");
        assertEquals(NfsType.NFS_FIFO, getattr(fifo).getType(), "GETATTR type of the FIFO");
        assertArrayEquals(fifo, lookupFh(dir, "fifo"), "LOOKUP finds the FIFO by the same handle");
        ok(nfs.sendRemove(nfs.makeRemoveRequest(dir, "fifo")), "REMOVE of the FIFO");
        assertFalse(Files.exists(fp, LinkOption.NOFOLLOW_LINKS), "FIFO removed on disk");
    }

    /** Opens {@code fifo} for writing for a few seconds, releasing anyone blocked opening it for reading. */
    private static void releaseFifoOpeners(Path fifo) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("timeout", "5", "sh", "-c", "exec 3>\"$1\"", "sh", fifo.toString())
                .redirectErrorStream(true).start();
        p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        p.destroyForcibly();
    }

    @Test
    void mknodSocket() throws Exception {
        byte[] dir = ok(nfs.sendMkdir(nfs.makeMkdirRequest(root, "newdir", mode(0755))), "MKDIR").getFileHandle();
        Path sp = export.resolve("newdir/sock");
        Nfs3MknodResponse made = nfs.sendMknod(nfs.makeMknodRequest(dir, "sock", NfsType.NFS_SOCK, mode(0640), null));
        String onDisk = Files.exists(sp, LinkOption.NOFOLLOW_LINKS)
                ? "a socket of mode " + Integer.toOctalString(diskMode(sp)) + " is on disk" : "nothing on disk";
        ok(made, "MKNOD of a socket (" + onDisk + ")");
        assertEquals(0140000, diskMode(sp) & 0170000, "a socket on disk");
        assertEquals(0640, diskMode(sp) & 07777, "socket mode");
        assertEquals(NfsType.NFS_SOCK, getattr(made.getFileHandle()).getType(), "GETATTR type of the socket");
    }

    // ------------------------------------------------------------------ removal, rename, link

    @Test
    void removeRmdirRenameAndLink() throws Exception {
        byte[] dir = ok(nfs.sendMkdir(nfs.makeMkdirRequest(root, "d", mode(0755))), "MKDIR").getFileHandle();
        createFile(dir, "inner", "x".getBytes(StandardCharsets.US_ASCII));
        expect(NfsStatus.NFS3ERR_NOTEMPTY, nfs.sendRmdir(nfs.makeRmdirRequest(root, "d")), "RMDIR of a non-empty dir");
        assertTrue(Files.isDirectory(export.resolve("d")), "non-empty directory kept");
        expect(NfsStatus.NFS3ERR_ISDIR, nfs.sendRemove(nfs.makeRemoveRequest(root, "d")), "REMOVE of a directory");
        expect(NfsStatus.NFS3ERR_NOTDIR, nfs.sendRmdir(nfs.makeRmdirRequest(dir, "inner")), "RMDIR of a file");
        ok(nfs.sendRemove(nfs.makeRemoveRequest(dir, "inner")), "REMOVE");
        assertFalse(Files.exists(export.resolve("d/inner")), "removed on disk");
        expect(NfsStatus.NFS3ERR_NOENT, nfs.sendRemove(nfs.makeRemoveRequest(dir, "inner")), "REMOVE again");
        expect(NfsStatus.NFS3ERR_NOENT, lookup(dir, "inner"), "LOOKUP of a removed name");
        ok(nfs.sendRmdir(nfs.makeRmdirRequest(root, "d")), "RMDIR of the emptied dir");
        assertFalse(Files.exists(export.resolve("d")), "directory removed on disk");
        expect(NfsStatus.NFS3ERR_STALE, nfs.getAttr(nfs.makeGetAttrRequest(dir)), "GETATTR of a removed directory");

        // RENAME over an existing file replaces it
        byte[] src = createFile(root, "src", "new content".getBytes(StandardCharsets.US_ASCII));
        byte[] dst = createFile(root, "dst", "old content that must vanish".getBytes(StandardCharsets.US_ASCII));
        long srcId = getattr(src).getFileid();
        ok(nfs.sendRename(nfs.makeRenameRequest(root, "src", root, "dst")), "RENAME over an existing file");
        expect(NfsStatus.NFS3ERR_NOENT, lookup(root, "src"), "the source name is gone");
        assertFalse(Files.exists(export.resolve("src"), LinkOption.NOFOLLOW_LINKS), "source gone on disk");
        Nfs3LookupResponse after = ok(lookup(root, "dst"), "LOOKUP dst");
        assertEquals(srcId, after.getAttributes().getFileid(), "dst is now the source object");
        assertArrayEquals(src, after.getFileHandle(), "the source's handle survives the rename");
        assertEquals("new content", Files.readString(export.resolve("dst")), "the old content is gone");
        assertEquals("new content", new String(read(src, 0, 100), StandardCharsets.US_ASCII));
        expect(NfsStatus.NFS3ERR_STALE, nfs.getAttr(nfs.makeGetAttrRequest(dst)), "handle of the replaced file");
        try (Stream<Path> s = Files.list(export)) {
            assertEquals(List.of("dst"), s.map(p -> p.getFileName().toString()).toList(), "no temporary left");
        }
        byte[] sub = ok(nfs.sendMkdir(nfs.makeMkdirRequest(root, "sub", mode(0755))), "MKDIR sub").getFileHandle();
        ok(nfs.sendRename(nfs.makeRenameRequest(root, "dst", sub, "moved")), "RENAME into another directory");
        assertEquals("new content", Files.readString(export.resolve("sub/moved")));
        assertArrayEquals(src, lookupFh(sub, "moved"), "moved file keeps its handle");
        expect(NfsStatus.NFS3ERR_NOENT, nfs.sendRename(nfs.makeRenameRequest(root, "absent", root, "x")),
                "RENAME of a missing name");

        // LINK
        byte[] file = createFile(root, "one", "linked".getBytes(StandardCharsets.US_ASCII));
        ok(nfs.sendLink(nfs.makeLinkRequest(file, sub, "two")), "LINK");
        NfsGetAttributes one = ok(lookup(root, "one"), "LOOKUP one").getAttributes();
        Nfs3LookupResponse two = ok(lookup(sub, "two"), "LOOKUP two");
        assertEquals(2, one.getNlink(), "nlink after LINK");
        assertEquals(2, getattr(file).getNlink(), "GETATTR nlink after LINK");
        assertEquals(one.getFileid(), two.getAttributes().getFileid(), "both names share one fileid");
        assertArrayEquals(file, two.getFileHandle(), "both names share one handle");
        assertEquals(diskIno(export.resolve("one")), diskIno(export.resolve("sub/two")), "a hard link on disk");
        expect(NfsStatus.NFS3ERR_EXIST, nfs.sendLink(nfs.makeLinkRequest(file, sub, "two")), "LINK over a name");
        expect(NfsStatus.NFS3ERR_ISDIR, nfs.sendLink(nfs.makeLinkRequest(sub, root, "dirlink")),
                "LINK of a directory");
        ok(nfs.sendRemove(nfs.makeRemoveRequest(root, "one")), "REMOVE one name");
        assertEquals(1, getattr(file).getNlink(), "nlink after removing one name");
        assertEquals("linked", new String(read(file, 0, 100), StandardCharsets.US_ASCII),
                "the handle still reads through the remaining name");
        assertEquals(1, ok(lookup(sub, "two"), "LOOKUP two").getAttributes().getNlink());
    }

    /**
     * RENAME over an existing name is atomic: a client looking the target name up while it is
     * being replaced always finds an object (the old or the new), never NOENT, and what it reads
     * through that object is one whole version.
     */
    @Test
    void renameOverAnExistingNameIsAtomicForConcurrentLookups() throws Exception {
        createFile(root, "target", "version-0".getBytes(StandardCharsets.US_ASCII));
        byte[] rawRoot = RawRpc.mount(server.mountPort(), export.toAbsolutePath().normalize().toString());
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> problem = new java.util.concurrent.atomic.AtomicReference<>();
        Thread reader = new Thread(() -> {
            try (RawRpc.Conn c = RawRpc.Conn.open(server.nfsPort())) {
                while (!done.get() && problem.get() == null) {
                    RawRpc.Looked l = RawRpc.lookup(c, rawRoot, "target");
                    lookups.incrementAndGet();
                    if (l.status() != RawRpc.NFS3_OK) {
                        problem.set("LOOKUP of the target during a RENAME over it answered " + l.status());
                        break;
                    }
                    RawRpc.In in = c.nfs(RawRpc.READ, RawRpc.readArgs(l.fh(), 0, 100)).in();
                    int st = in.u32();
                    if (st == RawRpc.NFS3_OK) {
                        in.postOpAttr();
                        in.u32();
                        in.bool();
                        String text = new String(in.opaque(), StandardCharsets.US_ASCII);
                        if (!text.matches("version-\\d+")) {
                            problem.set("READ through the target's handle gave '" + text + "'");
                        }
                    } else if (st != RawRpc.NFS3ERR_STALE) {
                        problem.set("READ through the target's handle answered " + st);
                    }
                }
            } catch (Throwable t) {
                problem.set("reader failed: " + t);
            }
        }, "lookup-while-renaming");
        reader.start();
        int renames = 0;
        try {
            for (int i = 1; i <= 300 && problem.get() == null; i++) {
                createFile(root, "incoming", ("version-" + i).getBytes(StandardCharsets.US_ASCII));
                ok(nfs.sendRename(nfs.makeRenameRequest(root, "incoming", root, "target")), "RENAME " + i);
                renames = i;
            }
        } finally {
            done.set(true);
            reader.join(30_000);
        }
        assertEquals(null, problem.get(), "after " + renames + " renames and " + lookups.get() + " lookups");
        assertFalse(reader.isAlive(), "the reader did not stop");
        assertTrue(lookups.get() > renames / 4, "the reader ran concurrently: " + lookups.get() + " lookups");
        assertEquals("version-" + renames, Files.readString(export.resolve("target")));
        try (Stream<Path> s = Files.list(export)) {
            assertEquals(List.of("target"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    // ------------------------------------------------------------------ directories and file system info

    @Test
    void readdirReaddirplusFsstatFsinfoPathconf() throws Exception {
        Path d = Files.createDirectory(export.resolve("list"));
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < 300; i++) {
            String n = "entry-" + i + "-" + "x".repeat(i % 40);
            Files.writeString(d.resolve(n), "e".repeat(i));
            names.add(n);
        }
        Files.createDirectory(d.resolve("subdir"));
        names.add("subdir");
        byte[] dir = lookupFh(root, "list");
        long dirId = getattr(dir).getFileid();
        long rootId = getattr(root).getFileid();

        // READDIR in small pages
        Map<String, Long> seen = new HashMap<>();
        long cookie = 0;
        long verf = 0;
        int pages = 0;
        while (true) {
            Nfs3ReaddirResponse r = ok(nfs.getReaddir(nfs.makeReaddirRequest(dir, cookie, verf, 2048)), "READDIR");
            pages++;
            verf = r.getCookieverf();
            for (NfsDirectoryEntry e : r.getEntries()) {
                assertTrue(seen.put(e.getFileName(), e.getFileId()) == null, "READDIR repeated " + e.getFileName());
                cookie = e.getCookie();
            }
            if (r.isEof()) {
                break;
            }
            assertFalse(r.getEntries().isEmpty(), "a page without entries and without eof");
            assertTrue(pages < 1000, "READDIR does not end");
        }
        assertTrue(pages > 3, "2 KiB pages over 302 entries: " + pages + " pages");
        assertEquals(dirId, seen.remove("."), "'.' is the directory");
        assertEquals(rootId, seen.remove(".."), "'..' is the root");
        assertEquals(names, new TreeSet<>(seen.keySet()), "READDIR lists exactly the entries");
        for (String n : List.of("entry-7-xxxxxxx", "subdir")) {
            assertEquals(ok(lookup(dir, n), "LOOKUP").getAttributes().getFileid(), seen.get(n), "fileid of " + n);
        }

        // READDIRPLUS: attributes and handles
        Map<String, NfsDirectoryPlusEntry> plus = new HashMap<>();
        cookie = 0;
        verf = 0;
        pages = 0;
        while (true) {
            Nfs3ReaddirplusResponse r = ok(nfs.getReaddirplus(nfs.makeReaddirplusRequest(dir, cookie, verf, 1024,
                    8192)), "READDIRPLUS");
            pages++;
            verf = r.getCookieverf();
            for (NfsDirectoryPlusEntry e : r.getEntries()) {
                assertTrue(plus.put(e.getFileName(), e) == null, "READDIRPLUS repeated " + e.getFileName());
                cookie = e.getCookie();
            }
            if (r.isEof()) {
                break;
            }
            assertTrue(pages < 1000, "READDIRPLUS does not end");
        }
        assertTrue(pages > 3, "8 KiB pages over 302 entries: " + pages + " pages");
        plus.remove(".");
        plus.remove("..");
        assertEquals(names, new TreeSet<>(plus.keySet()), "READDIRPLUS lists exactly the entries");
        NfsDirectoryPlusEntry e7 = plus.get("entry-7-xxxxxxx");
        assertEquals(7, e7.getAttributes().getSize(), "READDIRPLUS attributes");
        assertArrayEquals(lookupFh(dir, "entry-7-xxxxxxx"), e7.getFileHandle(), "READDIRPLUS handle = LOOKUP handle");
        assertEquals(NfsType.NFS_DIR, plus.get("subdir").getAttributes().getType());
        expect(NfsStatus.NFS3ERR_NOTDIR, nfs.getReaddir(nfs.makeReaddirRequest(e7.getFileHandle(), 0, 0, 4096)),
                "READDIR of a file");

        assertNotNull(nfs.nullCall(), "NULL");
        NfsFsStat st = ok(nfs.getFsStat(nfs.makeFsStatRequest(root)), "FSSTAT").getFsStat();
        var store = Files.getFileStore(export);
        assertEquals(store.getTotalSpace(), st.tbytes, "FSSTAT total bytes = the file system's");
        assertTrue(st.fbytes > 0 && st.fbytes <= st.tbytes, "free bytes " + st.fbytes + " of " + st.tbytes);
        assertTrue(st.bytes <= st.fbytes, "available bytes " + st.bytes + " <= free " + st.fbytes);
        assertTrue(Math.abs(st.fbytes - store.getUnallocatedSpace()) < 1024L * MIB,
                "free bytes near the file system's: " + st.fbytes + " vs " + store.getUnallocatedSpace());
        assertTrue(st.tfiles > 0 && st.ffiles <= st.tfiles, "files " + st.ffiles + " of " + st.tfiles);

        NfsFsInfo info = ok(nfs.getFsInfo(nfs.makeFsInfoRequest(root)), "FSINFO").getFsInfo();
        assertTrue(info.rtmax >= MIB, "rtmax " + info.rtmax);
        assertTrue(info.wtmax >= MIB, "wtmax " + info.wtmax);
        assertTrue(info.rtpref > 0 && info.rtpref <= info.rtmax, "rtpref " + info.rtpref);
        assertTrue(info.wtpref > 0 && info.wtpref <= info.wtmax, "wtpref " + info.wtpref);
        assertTrue(info.dtpref > 0, "dtpref " + info.dtpref);
        assertTrue(info.maxfilesize >= (1L << 40), "maxfilesize " + info.maxfilesize);
        assertEquals(0x1b, info.properties & 0x1b, "FSF3_LINK|SYMLINK|HOMOGENEOUS|CANSETTIME in " + info.properties);

        NfsPosixAttributes pc = ok(nfs.getPathconf(nfs.makePathconfRequest(dir)), "PATHCONF").getPosixAttributes();
        assertEquals(255, pc.getNameMaximum(), "name_max");
        assertTrue(pc.getLinkMaximum() >= 1000, "linkmax " + pc.getLinkMaximum());
        assertTrue(pc.isNoTruncation(), "no_trunc");
        assertFalse(pc.isCaseInsensitive(), "case sensitive");
        assertTrue(pc.isCasePreserving(), "case preserving");
    }

    // ------------------------------------------------------------------ rm -rf

    /**
     * "rm -rf" the way rm does it over NFS: read one page, remove its entries, continue from the
     * last cookie read, until eof; then remove the directory, which must be empty.
     */
    @ParameterizedTest(name = "with {0}")
    @ValueSource(strings = {"READDIRPLUS", "READDIR"})
    void removeWhileListingLikeRmRf(String how) throws Exception {
        int n = 20_000;
        Path big = Files.createDirectory(export.resolve("big"));
        for (int i = 0; i < n; i++) {
            Files.createFile(big.resolve(String.format("file-%05d", i)));
        }
        try (Stream<Path> s = Files.list(big)) {
            assertEquals(n, s.count(), "entries made on disk");
        }
        byte[] dir = lookupFh(root, "big");
        Set<String> removed = new HashSet<>();
        List<Integer> pageSizes = new ArrayList<>();
        long cookie = 0;
        long verf = 0;
        boolean eof = false;
        int guard = 0;
        while (!eof) {
            assertTrue(++guard < 10 * n, "listing never reaches eof");
            List<String> page = new ArrayList<>();
            long last = cookie;
            if (how.equals("READDIRPLUS")) {
                Nfs3ReaddirplusResponse r = ok(nfs.getReaddirplus(nfs.makeReaddirplusRequest(dir, cookie, verf,
                        8192, 32768)), "READDIRPLUS from cookie " + cookie);
                verf = r.getCookieverf();
                eof = r.isEof();
                for (NfsDirectoryPlusEntry e : r.getEntries()) {
                    page.add(e.getFileName());
                    last = e.getCookie();
                }
            } else {
                Nfs3ReaddirResponse r = ok(nfs.getReaddir(nfs.makeReaddirRequest(dir, cookie, verf, 8192)),
                        "READDIR from cookie " + cookie);
                verf = r.getCookieverf();
                eof = r.isEof();
                for (NfsDirectoryEntry e : r.getEntries()) {
                    page.add(e.getFileName());
                    last = e.getCookie();
                }
            }
            assertTrue(eof || !page.isEmpty(), "an empty page without eof at cookie " + cookie);
            pageSizes.add(page.size());
            for (String name : page) {
                if (name.equals(".") || name.equals("..")) {
                    continue;
                }
                assertTrue(removed.add(name), "entry listed again after it was removed: " + name);
                ok(nfs.sendRemove(nfs.makeRemoveRequest(dir, name)), "REMOVE " + name);
            }
            cookie = last;
        }
        assertEquals(n, removed.size(), "entries seen and removed (pages: " + pageSizes.size() + ")");
        try (Stream<Path> s = Files.list(big)) {
            List<String> left = s.map(p -> p.getFileName().toString()).limit(20).toList();
            assertTrue(left.isEmpty(), "entries left on disk after the listing reached eof: " + left);
        }
        NfsResponseBase rmdir = nfs.sendRmdir(nfs.makeRmdirRequest(root, "big"));
        ok(rmdir, "RMDIR after removing every listed entry (must not be NOTEMPTY)");
        assertFalse(Files.exists(export.resolve("big"), LinkOption.NOFOLLOW_LINKS), "directory gone on disk");
        expect(NfsStatus.NFS3ERR_NOENT, lookup(root, "big"), "LOOKUP of the removed directory");
        if (pageSizes.size() < 3) {
            fail("the listing should take many pages, took " + pageSizes);
        }
    }
}
