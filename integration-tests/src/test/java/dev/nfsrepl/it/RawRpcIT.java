package dev.nfsrepl.it;

import static dev.nfsrepl.it.RawRpc.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RPCs built byte by byte and sent over plain sockets: malformed record marking, garbage,
 * bad handles, bad names, symlinks leading out of the export, the duplicate request cache and
 * the exact bytes of simple replies. Every call carries AUTH_SYS uid 0 built by hand.
 */
@Timeout(300)
class RawRpcIT {

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    private Path export;
    private Path outside;
    private TestServer server;
    private byte[] root;
    private int fsid;
    private int generation;

    @BeforeEach
    void start() throws IOException {
        export = Files.createDirectories(tmp.resolve("export"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        server = TestServer.start(export, tmp.resolve("state"));
        root = mount(server.mountPort(), export.toAbsolutePath().normalize().toString());
        assertEquals(20, root.length, "nfsrepl root handle " + hex(root));
        ByteBuffer b = ByteBuffer.wrap(root);
        assertEquals(0x4e465231, b.getInt(), "handle magic");
        fsid = b.getInt();
        generation = b.getInt();
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private int port() {
        return server.nfsPort();
    }

    // ------------------------------------------------------------------ (a) oversized records

    @Test
    void fragmentHeaderClaiming2GiBDropsOnlyThatConnectionWithoutBuffering() throws Exception {
        byte[] start = ByteBuffer.allocate(4).putInt(0x7fffffff).array(); // non-last fragment of 2^31-1 bytes
        checkFloodIsDropped("a fragment header claiming 2 GiB", start, new byte[64 * 1024], 32L * MIB);
    }

    @Test
    void floodOfEmptyFragmentsIsBoundedToo() throws Exception {
        // Each 4 zero bytes are a complete, empty, non-last fragment: the record never ends and its
        // payload never grows, but every header is still bytes the server must hold or discard.
        checkFloodIsDropped("endless empty non-last fragments", new byte[0], new byte[64 * 1024], 32L * MIB);
    }

    /**
     * Streams {@code start} then {@code chunk} repeatedly (up to {@code cap} bytes) on one
     * connection while a second connection keeps being served; the server must drop the first
     * connection long before {@code cap} and its heap must not grow with the stream.
     */
    private void checkFloodIsDropped(String what, byte[] start, byte[] chunk, long cap) throws Exception {
        try (Conn other = Conn.open(port())) {
            assertServes(other, "before the flood");
            long heapBefore = usedHeapAfterGc();

            Socket flood = new Socket(InetAddress.getLoopbackAddress(), port());
            flood.setSoTimeout(500);
            AtomicLong written = new AtomicLong();
            AtomicReference<Throwable> writeFailure = new AtomicReference<>();
            AtomicBoolean writerDone = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = flood.getOutputStream();
                    out.write(start);
                    written.addAndGet(start.length);
                    while (written.get() < cap) {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                    out.flush();
                } catch (Throwable t) {
                    writeFailure.set(t);
                } finally {
                    writerDone.set(true);
                }
            }, "flood-writer");
            writer.setDaemon(true);
            writer.start();
            try {
                assertServes(other, "during the flood");
                boolean dropped = false;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                InputStream in = flood.getInputStream();
                byte[] sink = new byte[4096];
                while (!dropped && System.nanoTime() < deadline) {
                    if (writeFailure.get() != null) {
                        dropped = true;
                        break;
                    }
                    try {
                        int n = in.read(sink);
                        if (n < 0) {
                            dropped = true;
                        }
                    } catch (SocketTimeoutException e) {
                        if (writerDone.get() && writeFailure.get() == null) {
                            break; // everything was accepted: the server read the whole flood
                        }
                    } catch (IOException e) {
                        dropped = true; // reset
                    }
                }
                long heapGrowth = usedHeapAfterGc() - heapBefore;
                assertTrue(dropped, what + ": the server kept the connection open after accepting "
                        + written.get() / MIB + " MiB (cap " + cap / MIB + " MiB, writer done " + writerDone.get()
                        + "); server heap grew by " + heapGrowth / MIB + " MiB meanwhile");
                assertTrue(written.get() < cap / 2, what + ": the server accepted " + written.get() / MIB
                        + " MiB before dropping the connection");
                assertTrue(heapGrowth < 32L * MIB, what + ": heap grew by " + heapGrowth / MIB
                        + " MiB while " + written.get() / MIB + " MiB were streamed");
            } finally {
                flood.close();
                writer.join(10_000);
            }
            assertServes(other, "after the flood");
        }
        try (Conn fresh = Conn.open(port())) {
            assertServes(fresh, "on a new connection after the flood");
        }
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** NULL and GETATTR of the root are answered on {@code c}. */
    private void assertServes(Conn c, String when) throws IOException {
        int xid = nextXid();
        Reply r = c.call(nfsCall(xid, NULL, new byte[0]));
        assertTrue(r.acceptedSuccess(), "NULL " + when + ": " + r);
        assertEquals(0, r.result().remaining(), "NULL result is void " + when);
        Got g = getattr(c, root);
        assertEquals(NFS3_OK, g.status(), "GETATTR of the root " + when);
        assertEquals(NF3DIR, g.attr().type(), "root is a directory " + when);
    }

    // ------------------------------------------------------------------ (b) garbage

    @Test
    void garbageAndTruncatedCallsAreDroppedOrRejectedAndOthersAreUnaffected() throws Exception {
        List<String> outcomes = new ArrayList<>();
        try (Conn other = Conn.open(port())) {
            assertServes(other, "before garbage");

            // Not record marking at all: "GET " reads as a non-last fragment of 1.2 GB.
            try (Conn c = Conn.open(port(), Duration.ofSeconds(15))) {
                c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(c.closedByServer(), "an HTTP request must make the server drop the connection");
                outcomes.add("http: closed");
            }
            assertServes(other, "after an HTTP request on another connection");

            // A record of random bytes whose message type is neither CALL nor REPLY.
            byte[] junk = new byte[200];
            new Random(42).nextBytes(junk);
            ByteBuffer.wrap(junk).putInt(0, 0x0badbad1).putInt(4, 0x7f3a9c11);
            outcomes.add("random record: " + probeAfterBadInput(record(junk), 0x0badbad1, false));
            assertServes(other, "after a random record");

            // A record shorter than the xid and message type.
            outcomes.add("3-byte record: " + probeAfterBadInput(record(new byte[] {1, 2, 3}), null, false));
            assertServes(other, "after a 3-byte record");

            // A CALL cut off inside its credential.
            byte[] full = callMessage(0x0badbad2, NFS_PROG, V3, GETATTR, ROOT, fhArg(root));
            byte[] cut = java.util.Arrays.copyOf(full, 24 + 10);
            outcomes.add("call cut in credential: " + probeAfterBadInput(record(cut), 0x0badbad2, false));
            assertServes(other, "after a call cut in its credential");

            // A GETATTR whose handle claims 20 bytes but has 8: the header is intact, so GARBAGE_ARGS.
            byte[] shortArgs = new Out().u32(20).raw(java.util.Arrays.copyOf(root, 8)).bytes();
            outcomes.add("GETATTR with truncated handle: " + probeAfterBadInput(
                    nfsCall(0x0badbad3, GETATTR, shortArgs), 0x0badbad3, true));
            assertServes(other, "after a truncated GETATTR");

            // A CREATE whose arguments stop after the name: GARBAGE_ARGS, and nothing is created.
            byte[] truncatedCreate = dirOpArgs(root, "made-by-garbage");
            outcomes.add("CREATE without createhow3: " + probeAfterBadInput(
                    nfsCall(0x0badbad4, CREATE, truncatedCreate), 0x0badbad4, true));
            assertFalse(Files.exists(export.resolve("made-by-garbage"), LinkOption.NOFOLLOW_LINKS),
                    "a CREATE answered GARBAGE_ARGS created its file");
            assertServes(other, "after a truncated CREATE");

            // A record that stops half way, then the client closes its side: the server closes too.
            try (Conn c = Conn.open(port(), Duration.ofSeconds(15))) {
                byte[] rec = nfsCall(0x0badbad5, GETATTR, fhArg(root));
                c.send(java.util.Arrays.copyOf(rec, rec.length / 2));
                c.socket.shutdownOutput();
                assertTrue(c.closedByServer(), "the server must close a connection whose client closed its "
                        + "side in the middle of a record, without answering the partial call");
                outcomes.add("half record + FIN: closed");
            }
            assertServes(other, "after a half record");
        }
        try (Conn fresh = Conn.open(port())) {
            assertServes(fresh, "on a new connection after all garbage");
        }
        System.out.println("garbage outcomes: " + outcomes);
    }

    /**
     * Sends {@code bad} on a new connection followed by a NULL probe. Accepted outcomes: the
     * server closes the connection; or it answers the bad call GARBAGE_ARGS (required when
     * {@code mustBeGarbageArgs}) and the probe; or (only for input without a decodable call
     * header) it skips the record and answers the probe, staying in step. Replies on one
     * connection may come in any order (calls run on several worker threads), so they are
     * matched by xid.
     */
    private String probeAfterBadInput(byte[] bad, Integer badXid, boolean mustBeGarbageArgs) throws IOException {
        try (Conn c = Conn.open(port(), Duration.ofSeconds(15))) {
            int probe = nextXid();
            try {
                c.send(bad);
                c.send(nfsCall(probe, NULL, new byte[0]));
            } catch (SocketException e) {
                assertFalse(mustBeGarbageArgs, "connection dropped instead of GARBAGE_ARGS: " + e);
                return "closed while sending";
            }
            Map<Integer, Reply> replies = new java.util.HashMap<>();
            while (!replies.containsKey(probe) || (mustBeGarbageArgs && !replies.containsKey(badXid))) {
                try {
                    Reply r = c.readReply();
                    assertTrue(r.xid() == probe || (badXid != null && r.xid() == badXid),
                            "reply to an xid never sent: " + r);
                    assertTrue(replies.put(r.xid(), r) == null, "two replies to one call: " + r);
                } catch (EOFException | SocketException e) {
                    assertFalse(mustBeGarbageArgs, "connection dropped instead of GARBAGE_ARGS: " + e
                            + "; replies so far " + replies.values());
                    return "closed" + (replies.isEmpty() ? "" : " after " + replies.size() + " replies");
                } catch (SocketTimeoutException e) {
                    fail("the server neither answered nor closed the connection after bad input " + describe(bad)
                            + " and a NULL probe; replies so far: " + replies.values());
                }
            }
            Reply p = replies.get(probe);
            assertTrue(p.acceptedSuccess(), "NULL probe after bad input: " + p);
            assertEquals(0, p.result().remaining(), "NULL probe result: " + p);
            Reply g = badXid == null ? null : replies.get(badXid);
            if (g == null) {
                // Make sure nothing for the bad input is still to come, in or out of order.
                int probe2 = nextXid();
                Reply r2 = c.call(nfsCall(probe2, NULL, new byte[0]));
                assertTrue(r2.acceptedSuccess(), "second NULL probe: " + r2);
                return "skipped, connection still in step";
            }
            assertEquals(REPLY, g.msgType(), "reply to bad input " + g);
            assertEquals(MSG_ACCEPTED, g.replyStat(), "reply to bad input " + g);
            assertEquals(GARBAGE_ARGS, g.acceptStat(), "reply to bad input " + g);
            assertEquals(0, g.result().remaining(), "GARBAGE_ARGS carries no result " + g);
            return "GARBAGE_ARGS, connection still serving";
        }
    }

    // ------------------------------------------------------------------ (c) bad handles

    @Test
    void handlesNotMintedByTheServerAreBadAndUnknownExportsAreStale() throws Exception {
        byte[] wrongMagic = root.clone();
        wrongMagic[3] ^= 0x01;
        byte[] random64 = new byte[64];
        new Random(7).nextBytes(random64);
        Map<String, byte[]> bad = new TreeMap<>();
        bad.put("empty", new byte[0]);
        bad.put("8 bytes", java.util.Arrays.copyOf(root, 8));
        bad.put("19 bytes", java.util.Arrays.copyOf(root, 19));
        bad.put("21 bytes", java.util.Arrays.copyOf(root, 21));
        bad.put("64 random bytes", random64);
        bad.put("wrong magic", wrongMagic);
        try (Conn c = Conn.open(port())) {
            for (var e : bad.entrySet()) {
                Got g = getattr(c, e.getValue());
                assertEquals(NFS3ERR_BADHANDLE, g.status(), "GETATTR of a handle of " + e.getKey() + " ("
                        + hex(e.getValue()) + ")");
            }
            // Every procedure taking a handle answers BADHANDLE for one with the wrong magic.
            Map<String, byte[]> calls = new TreeMap<>();
            calls.put("LOOKUP", dirOpArgs(wrongMagic, "x"));
            calls.put("ACCESS", new Out().opaque(wrongMagic).u32(0x3f).bytes());
            calls.put("READLINK", fhArg(wrongMagic));
            calls.put("READ", readArgs(wrongMagic, 0, 10));
            calls.put("WRITE", writeArgs(wrongMagic, 0, 2, new byte[] {1}));
            calls.put("CREATE", createArgs(wrongMagic, "x", GUARDED));
            calls.put("REMOVE", dirOpArgs(wrongMagic, "x"));
            calls.put("READDIR", readdirArgs(wrongMagic, 0, 4096));
            calls.put("FSSTAT", fhArg(wrongMagic));
            calls.put("SETATTR", setattrModeArgs(wrongMagic, 0644));
            Map<String, Integer> procs = Map.of("LOOKUP", LOOKUP, "ACCESS", ACCESS, "READLINK", READLINK,
                    "READ", READ, "WRITE", WRITE, "CREATE", CREATE, "REMOVE", REMOVE, "READDIR", READDIR,
                    "FSSTAT", FSSTAT, "SETATTR", SETATTR);
            for (var e : calls.entrySet()) {
                assertEquals(NFS3ERR_BADHANDLE, status(c, procs.get(e.getKey()), e.getValue()),
                        e.getKey() + " with a handle of the wrong magic");
            }

            // Longer than NFS3_FHSIZE: not a valid nfs_fh3 at all.
            Reply tooLong = c.call(nfsCall(nextXid(), GETATTR, fhArg(new byte[65])));
            assertEquals(MSG_ACCEPTED, tooLong.replyStat(), tooLong.toString());
            assertEquals(GARBAGE_ARGS, tooLong.acceptStat(), "GETATTR with a 65-byte handle: " + tooLong);

            byte[] unknownFsid = nfsreplHandle(fsid ^ 0x5a5a5a5a, generation, 1);
            assertEquals(NFS3ERR_STALE, getattr(c, unknownFsid).status(), "handle of an unknown fsid");
            assertEquals(NFS3ERR_STALE, status(c, LOOKUP, dirOpArgs(unknownFsid, "x")),
                    "LOOKUP in a handle of an unknown fsid");
            byte[] otherGeneration = nfsreplHandle(fsid, generation ^ 0x10, ByteBuffer.wrap(root).getLong(12));
            assertEquals(NFS3ERR_STALE, getattr(c, otherGeneration).status(),
                    "handle of the right export and object but another generation");
            byte[] unknownObject = nfsreplHandle(fsid, generation, ByteBuffer.wrap(root).getLong(12) + 999_999);
            assertEquals(NFS3ERR_STALE, getattr(c, unknownObject).status(), "handle of an object never minted");

            assertServes(c, "after bad handles");
        }
    }

    // ------------------------------------------------------------------ (d) names

    @Test
    void badNamesAreRejectedWithKnfsdStatusesAndNothingAppearsOnDisk() throws Exception {
        // Objects a naive server would reach by splitting on '/' or stopping at NUL.
        Files.createDirectories(export.resolve("a"));
        Files.writeString(export.resolve("a/b"), "b");
        Files.writeString(export.resolve("c"), "c");
        Files.writeString(tmp.resolve("beside-export"), "outside");
        String name255 = "n".repeat(255);
        String name256 = "n".repeat(256);
        Map<String, TreeSet<String>> before = snapshot();

        try (Conn c = Conn.open(port())) {
            assertEquals(NFS3ERR_ACCES, lookup(c, root, "").status(), "LOOKUP of the empty name");
            Looked dot = lookup(c, root, ".");
            assertEquals(NFS3_OK, dot.status(), "LOOKUP of '.'");
            assertArrayEquals(root, dot.fh(), "'.' of the root is the root");
            Looked dotdot = lookup(c, root, "..");
            assertEquals(NFS3_OK, dotdot.status(), "LOOKUP of '..' in the root");
            assertArrayEquals(root, dotdot.fh(), "'..' of the export root must stay in the export");
            assertEquals(NFS3ERR_ACCES, lookup(c, root, "a/b").status(), "LOOKUP of a name containing '/'");
            assertEquals(NFS3ERR_ACCES, lookup(c, root, "c\0d").status(), "LOOKUP of a name containing NUL");
            assertEquals(NFS3ERR_ACCES, lookup(c, root, "../beside-export").status(), "LOOKUP of '../x'");
            assertEquals(NFS3ERR_NAMETOOLONG, lookup(c, root, name256).status(), "LOOKUP of 256 bytes");
            assertEquals(NFS3ERR_NOENT, lookup(c, root, name255).status(), "LOOKUP of 255 bytes (absent)");
            Looked a = lookup(c, root, "a");
            assertEquals(NFS3_OK, a.status());
            Looked aDotDot = lookup(c, a.fh(), "..");
            assertEquals(NFS3_OK, aDotDot.status(), "LOOKUP of '..' in a subdirectory");
            assertArrayEquals(root, aDotDot.fh(), "'..' of a/ is the root");

            Map<String, Integer> createExpect = new TreeMap<>();
            createExpect.put("", NFS3ERR_ACCES);
            createExpect.put(".", NFS3ERR_EXIST);
            createExpect.put("..", NFS3ERR_EXIST);
            createExpect.put("a/new", NFS3ERR_ACCES);
            createExpect.put("c\0d", NFS3ERR_ACCES);
            createExpect.put("new\0", NFS3ERR_ACCES);
            createExpect.put("../beside-new", NFS3ERR_ACCES);
            createExpect.put(name256, NFS3ERR_NAMETOOLONG);
            for (var e : createExpect.entrySet()) {
                String shown = e.getKey().replace("\0", "\\0");
                shown = shown.length() > 20 ? shown.length() + " bytes" : "'" + shown + "'";
                for (int how : new int[] {UNCHECKED, GUARDED}) {
                    Looked r = created(c.nfs(CREATE, createArgs(root, e.getKey(), how)));
                    assertEquals((int) e.getValue(), r.status(), "CREATE (mode " + how + ") of " + shown);
                }
                Looked ex = created(c.nfs(CREATE, exclusiveCreateArgs(root, e.getKey(), new byte[8])));
                assertEquals((int) e.getValue(), ex.status(), "CREATE (EXCLUSIVE) of " + shown);
                Looked md = created(c.nfs(MKDIR, new Out().raw(dirOpArgs(root, e.getKey())).emptySattr().bytes()));
                assertEquals((int) e.getValue(), md.status(), "MKDIR of " + shown);
            }
            // Removing '.', '..' or a path must not remove anything.
            assertEquals(NFS3ERR_INVAL, status(c, REMOVE, dirOpArgs(root, ".")), "REMOVE '.'");
            assertEquals(NFS3ERR_INVAL, status(c, REMOVE, dirOpArgs(root, "..")), "REMOVE '..'");
            assertEquals(NFS3ERR_ACCES, status(c, REMOVE, dirOpArgs(root, "a/b")), "REMOVE 'a/b'");
            assertEquals(NFS3ERR_ACCES, status(c, REMOVE, dirOpArgs(root, "")), "REMOVE ''");
            assertEquals(NFS3ERR_INVAL, status(c, RMDIR, dirOpArgs(a.fh(), "..")), "RMDIR '..'");
            assertEquals(snapshot(), before, "failed calls changed the export or its parent");

            Looked ok = created(c.nfs(CREATE, createArgs(root, name255, GUARDED)));
            assertEquals(NFS3_OK, ok.status(), "CREATE of a 255-byte name");
            assertNotNull(ok.fh(), "CREATE of 255 bytes returns a handle");
            assertTrue(Files.isRegularFile(export.resolve(name255), LinkOption.NOFOLLOW_LINKS),
                    "the 255-byte file exists on disk");
            Looked again = lookup(c, root, name255);
            assertEquals(NFS3_OK, again.status(), "LOOKUP of the 255-byte name");
            assertArrayEquals(ok.fh(), again.fh(), "LOOKUP finds the created file");
        }
        before.get("export").add(name255);
        assertEquals(before, snapshot(), "only the 255-byte file was added");
    }

    /** Relative paths under the export, and names beside it in its parent. */
    private Map<String, TreeSet<String>> snapshot() throws IOException {
        Map<String, TreeSet<String>> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(export)) {
            m.put("export", s.filter(p -> !p.equals(export)).map(p -> export.relativize(p).toString())
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
        }
        try (Stream<Path> s = Files.list(tmp)) {
            m.put("parent", s.map(p -> p.getFileName().toString())
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
        }
        return m;
    }

    // ------------------------------------------------------------------ (e) symlinks out of the export

    @Test
    void symlinksLeadingOutOfTheExportAreNeverFollowed() throws Exception {
        Files.createSymbolicLink(export.resolve("etc-link"), Path.of("/etc"));
        Path victim = Files.writeString(outside.resolve("victim"), "precious");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r-----"));
        Files.createSymbolicLink(export.resolve("outside-link"), outside);
        Files.createSymbolicLink(export.resolve("victim-link"), victim);
        Files.writeString(export.resolve("inside"), "inside");
        Map<String, Object> etcBefore = stateOf(Path.of("/etc"), Path.of("/etc/passwd"));
        Map<String, Object> outsideBefore = stateOf(outside, victim);

        try (Conn c = Conn.open(port())) {
            Looked etc = lookup(c, root, "etc-link");
            assertEquals(NFS3_OK, etc.status(), "LOOKUP of the symlink itself");
            assertEquals(NF3LNK, etc.attr().type(), "the symlink's handle is of a symlink");
            Reply rl = c.nfs(READLINK, fhArg(etc.fh()));
            assertEquals(NFS3_OK, rl.status(), "READLINK");
            In in = rl.in();
            in.u32();
            in.postOpAttr();
            assertEquals("/etc", in.string(), "READLINK gives the target for the client to resolve");

            assertEquals(NFS3ERR_NOTDIR, lookup(c, etc.fh(), "passwd").status(), "LOOKUP passwd through a symlink");
            assertEquals(NFS3ERR_NOTDIR, lookup(c, etc.fh(), ".").status(), "LOOKUP . in a symlink");
            assertEquals(NFS3ERR_NOTDIR, lookup(c, etc.fh(), "..").status(), "LOOKUP .. in a symlink");
            assertEquals(NFS3ERR_NOTDIR, status(c, READDIR, readdirArgs(etc.fh(), 0, 8192)), "READDIR of a symlink");
            assertEquals(NFS3ERR_NOTDIR, status(c, READDIRPLUS,
                    new Out().opaque(etc.fh()).u64(0).u64(0).u32(8192).u32(32768).bytes()), "READDIRPLUS of a symlink");
            assertEquals(NFS3ERR_INVAL, status(c, READ, readArgs(etc.fh(), 0, 4096)), "READ of a symlink");

            Looked dirLink = lookup(c, root, "outside-link");
            assertEquals(NFS3_OK, dirLink.status());
            byte[] dl = dirLink.fh();
            assertEquals(NFS3ERR_NOTDIR, lookup(c, dl, "victim").status(), "LOOKUP through a link to a directory");
            assertEquals(NFS3ERR_NOTDIR, created(c.nfs(CREATE, createArgs(dl, "planted", UNCHECKED))).status(),
                    "CREATE through a link to a directory");
            assertEquals(NFS3ERR_NOTDIR, created(c.nfs(MKDIR, new Out().raw(dirOpArgs(dl, "planted-dir"))
                    .emptySattr().bytes())).status(), "MKDIR through a link");
            assertEquals(NFS3ERR_NOTDIR, created(c.nfs(SYMLINK, new Out().raw(dirOpArgs(dl, "planted-link"))
                    .emptySattr().string("/x").bytes())).status(), "SYMLINK through a link");
            assertEquals(NFS3ERR_NOTDIR, status(c, REMOVE, dirOpArgs(dl, "victim")), "REMOVE through a link");
            assertEquals(NFS3ERR_NOTDIR, status(c, RENAME, renameArgs(dl, "victim", root, "stolen")),
                    "RENAME out of a linked directory");
            Looked inside = lookup(c, root, "inside");
            assertEquals(NFS3ERR_NOTDIR, status(c, RENAME, renameArgs(root, "inside", dl, "dropped")),
                    "RENAME into a linked directory");
            assertEquals(NFS3ERR_NOTDIR, status(c, LINK, new Out().opaque(inside.fh()).raw(dirOpArgs(dl, "hard"))
                    .bytes()), "LINK into a linked directory");

            Looked fileLink = lookup(c, root, "victim-link");
            assertEquals(NFS3_OK, fileLink.status());
            byte[] fl = fileLink.fh();
            assertEquals(NFS3ERR_INVAL, status(c, READ, readArgs(fl, 0, 100)), "READ through a link to a file");
            assertEquals(NFS3ERR_INVAL, status(c, WRITE, writeArgs(fl, 0, 2, "owned".getBytes())),
                    "WRITE through a link to a file");
            assertEquals(NFS3ERR_INVAL, status(c, SETATTR, setattrSizeArgs(fl, 0)), "truncate through a link");
            int chmod = status(c, SETATTR, setattrModeArgs(fl, 0777));
            assertTrue(chmod == NFS3_OK || chmod == NFS3ERR_INVAL, "chmod of a symlink: " + chmod);
            assertEquals(NFS3_OK, status(c, COMMIT, new Out().opaque(fl).u64(0).u32(0).bytes()),
                    "COMMIT of a symlink has nothing to do");

            String exportPath = export.toAbsolutePath().normalize().toString();
            assertMountFails(exportPath + "/etc-link", "MNT of a symlink to /etc");
            assertMountFails(exportPath + "/etc-link/ssh", "MNT through a symlink");
            assertMountFails(exportPath + "/outside-link", "MNT of a symlink to another directory");
            assertMountFails(exportPath + "/..", "MNT of the export's parent");
            assertMountFails(exportPath + "/a/../..", "MNT escaping with ..");
        }
        assertEquals(etcBefore, stateOf(Path.of("/etc"), Path.of("/etc/passwd")), "/etc was touched");
        assertEquals(outsideBefore, stateOf(outside, victim), "the directory outside the export was touched");
        assertEquals("precious", Files.readString(victim));
    }

    /**
     * A regular file whose name a local user keeps swapping for a symlink to a file outside the
     * export (and back, by a hard link, so its handle stays valid): SETATTR of the size through
     * the file's handle must truncate the file or fail STALE, never the symlink's target.
     */
    @Test
    void truncateRacingWithASymlinkSwapNeverTouchesAFileOutsideTheExport() throws Exception {
        Path victim = Files.writeString(outside.resolve("victim"), "precious-content");
        Files.writeString(export.resolve("swapped"), "inside the export");
        raceSetattrAgainstSymlinkSwap(victim, () -> Files.readString(victim), "precious-content");
    }

    /** As above for a FIFO and SETATTR of its mode. */
    @Test
    void chmodOfAFifoRacingWithASymlinkSwapNeverTouchesAFileOutsideTheExport() throws Exception {
        Path victim = Files.writeString(outside.resolve("victim"), "precious-content");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
        Process mkfifo = new ProcessBuilder("mkfifo", "-m", "0600", export.resolve("swapped").toString())
                .redirectErrorStream(true).start();
        assertTrue(mkfifo.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && mkfifo.exitValue() == 0,
                "mkfifo failed: " + new String(mkfifo.getInputStream().readAllBytes()));
        raceSetattrAgainstSymlinkSwap(victim, () -> PosixFilePermissions.toString(Files.getPosixFilePermissions(victim)), "rw-------");
    }

    /**
     * Sends SETATTRs (truncate to 0 for a regular file, chmod 0644/0606 for a FIFO) through
     * the handle of export/swapped while another thread swaps that name between the object (kept
     * alive by a hard link) and a symlink to {@code victim}; fails as soon as the victim changes.
     */
    private void raceSetattrAgainstSymlinkSwap(Path victim, java.util.concurrent.Callable<String> victimState,
                                               String intact)
            throws Exception {
        Path name = export.resolve("swapped");
        Path keep = export.resolve("swapped-keep");
        Files.createLink(keep, name);
        boolean fifo = Files.readAttributes(name, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).isOther();
        try (Conn c = Conn.open(port())) {
            Looked obj = lookup(c, root, "swapped");
            assertEquals(NFS3_OK, obj.status(), "LOOKUP swapped");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong swaps = new AtomicLong();
            AtomicReference<Throwable> swapFailure = new AtomicReference<>();
            Thread swapper = new Thread(() -> {
                Path linkTmp = export.resolve("swap-link.tmp");
                Path objTmp = export.resolve("swap-obj.tmp");
                try {
                    while (!stop.get()) {
                        Files.deleteIfExists(linkTmp);
                        Files.createSymbolicLink(linkTmp, victim);
                        Files.move(linkTmp, name, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                        Files.deleteIfExists(objTmp);
                        Files.createLink(objTmp, keep);
                        Files.move(objTmp, name, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                        swaps.incrementAndGet();
                    }
                } catch (Throwable t) {
                    swapFailure.set(t);
                }
            }, "symlink-swapper");
            swapper.start();
            int calls = 0;
            int ok = 0;
            int stale = 0;
            Map<Integer, Integer> otherErrors = new TreeMap<>();
            String state = intact;
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            try {
                while (System.nanoTime() < deadline && calls < 20_000 && swapFailure.get() == null) {
                    byte[] args = fifo ? setattrModeArgs(obj.fh(), calls % 2 == 0 ? 0644 : 0606)
                            : setattrSizeArgs(obj.fh(), 0);
                    int st;
                    try {
                        st = status(c, SETATTR, args);
                    } catch (SocketTimeoutException e) {
                        if (fifo) {
                            openForWritingBriefly(keep); // releases a server thread blocked opening the FIFO
                        }
                        fail("SETATTR got no reply within the read timeout (a server thread blocked opening the "
                                + (fifo ? "FIFO" : "file") + "?)");
                        return;
                    }
                    calls++;
                    if (st == NFS3_OK) {
                        ok++;
                    } else if (st == NFS3ERR_STALE || st == NFS3ERR_NOENT) {
                        stale++;
                    } else {
                        otherErrors.merge(st, 1, Integer::sum); // any refusal is fine; only the victim matters
                    }
                    state = victimState.call();
                    if (!state.equals(intact)) {
                        break;
                    }
                }
            } finally {
                stop.set(true);
                swapper.join(10_000);
            }
            assertEquals(null, swapFailure.get(), "the swapping thread failed");
            assertEquals(intact, state, "a file OUTSIDE the export was changed through the handle of a "
                    + (fifo ? "FIFO (chmod)" : "regular file (truncate)") + " whose name was being swapped for a "
                    + "symlink to it, after " + calls + " SETATTRs (" + ok + " OK, " + stale + " STALE, other statuses "
                    + otherErrors + ") and " + swaps.get() + " swaps");
            assertTrue(ok > 0, "no SETATTR reached the object itself (" + calls + " calls)");
        }
    }

    /** Opens {@code fifo} for writing for at most a few seconds, releasing anyone blocked opening it to read. */
    private static void openForWritingBriefly(Path fifo) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("timeout", "5", "sh", "-c", "exec 3>\"$1\"", "sh", fifo.toString())
                .redirectErrorStream(true).start();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private void assertMountFails(String path, String what) throws IOException {
        try {
            byte[] fh = mount(server.mountPort(), path);
            fail(what + " succeeded with handle " + hex(fh));
        } catch (MountFailed e) {
            assertNotEquals(0, e.status, what);
        }
    }

    /** Names, sizes, modes and times of a directory's entries and of one file. */
    private static Map<String, Object> stateOf(Path dir, Path file) throws IOException {
        Map<String, Object> m = new TreeMap<>();
        m.put("dir", Files.readAttributes(dir, "unix:mode,lastModifiedTime,ctime,nlink").toString());
        try (Stream<Path> s = Files.list(dir)) {
            m.put("names", s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        m.put("file", Files.readAttributes(file, "unix:mode,size,lastModifiedTime,ctime,uid,gid",
                LinkOption.NOFOLLOW_LINKS).toString());
        return m;
    }

    // ------------------------------------------------------------------ (f), (g) duplicate request cache

    @Test
    void retransmissionsFromANewConnectionGetTheCachedReply() throws Exception {
        int xid = nextXid();
        byte[] create = nfsCall(xid, CREATE, createArgs(root, "drc-file", GUARDED));
        Reply first;
        int firstPort;
        try (Conn c = Conn.open(port())) {
            firstPort = c.socket.getLocalPort();
            first = c.call(create);
        }
        assertTrue(first.acceptedSuccess(), first.toString());
        assertEquals(NFS3_OK, first.status(), "first GUARDED CREATE");
        assertTrue(Files.exists(export.resolve("drc-file")));
        try (Conn c = Conn.open(port())) {
            assertNotEquals(firstPort, c.socket.getLocalPort(), "retransmission must come from a new port");
            Reply again = c.call(create);
            assertEquals(NFS3_OK, again.status(), "retransmitted GUARDED CREATE must get the cached OK, not EXIST");
            assertArrayEquals(first.raw(), again.raw(), "the retransmission gets the very same reply");

            Reply fresh = c.call(nfsCall(nextXid(), CREATE, createArgs(root, "drc-file", GUARDED)));
            assertEquals(NFS3ERR_EXIST, fresh.status(), "the same CREATE with a new xid is executed: EXIST");

            Reply reused = c.call(nfsCall(xid, CREATE, createArgs(root, "drc-other", GUARDED)));
            assertEquals(NFS3_OK, reused.status(), "a reused xid with other arguments is executed anew");
            assertTrue(Files.exists(export.resolve("drc-other")), "the CREATE with a reused xid ran");
        }

        int removeXid = nextXid();
        byte[] remove = nfsCall(removeXid, REMOVE, dirOpArgs(root, "drc-file"));
        Reply removed;
        try (Conn c = Conn.open(port())) {
            removed = c.call(remove);
        }
        assertEquals(NFS3_OK, removed.status(), "REMOVE");
        assertFalse(Files.exists(export.resolve("drc-file")));
        try (Conn c = Conn.open(port())) {
            Reply again = c.call(remove);
            assertEquals(NFS3_OK, again.status(), "retransmitted REMOVE must get the cached OK, not NOENT");
            assertArrayEquals(removed.raw(), again.raw(), "the same REMOVE reply");
            assertEquals(NFS3ERR_NOENT, c.call(nfsCall(nextXid(), REMOVE, dirOpArgs(root, "drc-file"))).status(),
                    "the same REMOVE with a new xid: NOENT");
        }

        Files.writeString(export.resolve("drc-src"), "moved");
        int renameXid = nextXid();
        byte[] rename = nfsCall(renameXid, RENAME, renameArgs(root, "drc-src", root, "drc-dst"));
        Reply renamed;
        try (Conn c = Conn.open(port())) {
            renamed = c.call(rename);
        }
        assertEquals(NFS3_OK, renamed.status(), "RENAME");
        try (Conn c = Conn.open(port())) {
            Reply again = c.call(rename);
            assertEquals(NFS3_OK, again.status(), "retransmitted RENAME must get the cached OK, not NOENT");
            assertArrayEquals(renamed.raw(), again.raw(), "the same RENAME reply");
            assertEquals(NFS3ERR_NOENT, c.call(nfsCall(nextXid(), RENAME,
                    renameArgs(root, "drc-src", root, "drc-dst"))).status(), "the same RENAME with a new xid: NOENT");
        }
        assertFalse(Files.exists(export.resolve("drc-src")));
        assertEquals("moved", Files.readString(export.resolve("drc-dst")));
    }

    @Test
    void exclusiveCreateRetransmittedWithANewXidIsRecognisedByItsVerifier() throws Exception {
        byte[] verifier = "verif-01".getBytes(StandardCharsets.US_ASCII);
        try (Conn c = Conn.open(port())) {
            Looked first = created(c.call(nfsCall(nextXid(), CREATE, exclusiveCreateArgs(root, "excl", verifier))));
            assertEquals(NFS3_OK, first.status(), "EXCLUSIVE CREATE");
            assertNotNull(first.fh(), "EXCLUSIVE CREATE returns a handle");
            Looked retry = created(c.call(nfsCall(nextXid(), CREATE, exclusiveCreateArgs(root, "excl", verifier))));
            assertEquals(NFS3_OK, retry.status(), "EXCLUSIVE CREATE again with the same verifier (new xid)");
            assertArrayEquals(first.fh(), retry.fh(), "the retransmission names the same file");
            byte[] other = "verif-02".getBytes(StandardCharsets.US_ASCII);
            Looked clash = created(c.call(nfsCall(nextXid(), CREATE, exclusiveCreateArgs(root, "excl", other))));
            assertEquals(NFS3ERR_EXIST, clash.status(), "EXCLUSIVE CREATE with another verifier");
            Looked guarded = created(c.call(nfsCall(nextXid(), CREATE, createArgs(root, "excl", GUARDED))));
            assertEquals(NFS3ERR_EXIST, guarded.status(), "GUARDED CREATE of the exclusively created file");
        }
        try (Stream<Path> s = Files.list(export)) {
            assertEquals(List.of("excl"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    // ------------------------------------------------------------------ (h) golden bytes

    @Test
    void repliesMatchBytesWrittenFromTheRfcs() throws Exception {
        try (Conn c = Conn.open(port())) {
            int xid = 0x0c0ffee1;
            c.send(nfsCall(xid, NULL, new byte[0]));
            byte[] golden = {
                    (byte) 0x80, 0, 0, 24,          // record mark: last fragment, 24 bytes
                    0x0c, 0x0f, (byte) 0xfe, (byte) 0xe1, // xid
                    0, 0, 0, 1,                     // REPLY
                    0, 0, 0, 0,                     // MSG_ACCEPTED
                    0, 0, 0, 0, 0, 0, 0, 0,         // verifier: AUTH_NONE, length 0
                    0, 0, 0, 0,                     // SUCCESS
            };
            assertEquals(hex(golden), hex(readRawRecord(c)), "NULL reply bytes");

            int xid2 = 0x0c0ffee2;
            c.send(nfsCall(xid2, GETATTR, fhArg(nfsreplHandle(fsid ^ 0x00ff00ff, generation, 1))));
            byte[] golden2 = {
                    (byte) 0x80, 0, 0, 28,
                    0x0c, 0x0f, (byte) 0xfe, (byte) 0xe2,
                    0, 0, 0, 1,
                    0, 0, 0, 0,
                    0, 0, 0, 0, 0, 0, 0, 0,
                    0, 0, 0, 0,
                    0, 0, 0, 70,                    // NFS3ERR_STALE, GETATTR3res default arm: void
            };
            assertEquals(hex(golden2), hex(readRawRecord(c)), "GETATTR (unknown fsid) reply bytes");
            assertArrayEquals(golden2, acceptedReplyRecord(xid2, 70), "the hand-written helper agrees");
        }
    }

    /** The next record exactly as it came off the wire, record mark included. */
    private static byte[] readRawRecord(Conn c) throws IOException {
        return c.readRawFragment();
    }
}
