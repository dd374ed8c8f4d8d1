package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.journal.JournalTool;
import dev.nfsrepl.journal.Replay;
import dev.nfsrepl.journal.TreeDigest;
import dev.nfsrepl.nfs.xdr.nfs3_prot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server, journaling, is killed (SIGKILL) at random moments of a concurrent load, fifty times,
 * and started again each time. Afterwards the journal verifies, every change a client saw
 * acknowledged as stable is in it, and the journal alone rebuilds exactly the tree on disk. And a
 * client whose replies were lost to a crash gets, for the same calls sent to the restarted
 * server, the replies it should have had.
 */
class JournalCrashIT {

    private static final int KILLS = 50;
    private static final int CLIENTS = 4;

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // kept for a look when it fails
    Path tmp;

    /** Changes acknowledged as stable, by xid (metadata operations, FILE_SYNC writes, COMMITs). */
    private final Set<Integer> acked = ConcurrentHashMap.newKeySet();
    private final java.util.Map<Integer, String> what = new ConcurrentHashMap<>();
    private final AtomicInteger ops = new AtomicInteger();

    @Test
    void killedFiftyTimesUnderLoadTheJournalHoldsEveryAcknowledgedChangeAndRebuildsTheTree() throws Exception {
        Path export = Files.createDirectories(tmp.resolve("export"));
        Path state = tmp.resolve("state");
        Path journal = tmp.resolve("journal");
        String[] journaled = {"--journal", journal.toString(), "--journal-checkpoint-seconds", "1"};
        Random rnd = new Random(42);
        int nfsPort = 0;
        int mountPort = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Path log = tmp.resolve("server-" + kill + ".log");
            ServerProcess server = ServerProcess.start(export, state, nfsPort, mountPort, log, journaled);
            nfsPort = server.nfsPort();
            mountPort = server.mountPort();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                long seed = rnd.nextLong();
                int nfs = nfsPort;
                int mount = mountPort;
                Thread t = new Thread(() -> load(export, nfs, mount, seed, stop), "load-" + c);
                t.start();
                clients.add(t);
            }
            Thread.sleep(100 + rnd.nextInt(1400)); // the load runs for a random while: the kill lands anywhere
            server.kill();
            stop.set(true);
            for (Thread t : clients) {
                t.join(60_000);
                assertTrue(!t.isAlive(), "a load client hangs after the server was killed");
            }
        }
        try (ServerProcess last = ServerProcess.start(export, state, nfsPort, mountPort, tmp.resolve("last.log"),
                journaled)) {
            last.stop(); // SIGTERM: a clean stop, after the recovery of the fiftieth kill
        }
        System.out.println("journal crash test: " + KILLS + " kills, " + ops + " operations sent, " + acked.size()
                + " acknowledged as stable");
        assertTrue(acked.size() > KILLS * 10, "the load did work between kills: " + acked.size());

        Path ej = JournalTool.exportJournal(journal);
        JournalTool.Stats stats = JournalTool.stats(ej);
        assertTrue(stats.damage().isEmpty(), "the journal verifies: " + stats.damage());
        Set<Integer> logged = new HashSet<>();
        JournalTool.dump(ej, 0, Long.MAX_VALUE, f -> logged.add(Integer.parseUnsignedInt((String) f.get("xid"), 16)));
        Set<Integer> missing = new HashSet<>(acked);
        missing.removeAll(logged);
        missing.forEach(x -> System.out.println("missing xid " + Integer.toHexString(x) + ": " + what.get(x)));
        assertEquals(Set.of(), missing, "acknowledged changes missing from the journal (xids)");

        Path replayed = tmp.resolve("replayed");
        Replay.Result r = JournalTool.replay(ej, replayed, tmp.resolve("replayed-state"), msg -> { });
        System.out.println("replay of the journal: " + r);
        assertEquals(0, r.failed(), "replay: " + r);
        assertEquals(0, r.superseded(), "replay into an empty directory: " + r);
        List<String> onDisk;
        Path exportState; // the server keeps each export's state in its own subdirectory
        try (var dirs = Files.list(state)) {
            exportState = dirs.filter(p -> p.getFileName().toString().startsWith("export-")).findFirst().orElseThrow();
        }
        try (LocalFileSystem fs = new LocalFileSystem(export, exportState, Clock.systemUTC()).start()) {
            onDisk = TreeDigest.lines(fs);
        }
        List<String> rebuilt;
        try (LocalFileSystem fs = new LocalFileSystem(replayed, tmp.resolve("replayed-state"), Clock.systemUTC())
                .start()) {
            rebuilt = TreeDigest.lines(fs);
        }
        assertEquals(onDisk, rebuilt);
        assertTrue(onDisk.size() > 10, "the tree is not trivial: " + onDisk.size() + " objects");
    }

    @Test
    void changesRetransmittedAfterACrashGetTheirOriginalReply() throws Exception {
        Path export = Files.createDirectories(tmp.resolve("export"));
        Path state = tmp.resolve("state");
        String[] journaled = {"--journal", tmp.resolve("journal").toString()};
        int createXid = RawRpc.nextXid();
        int removeXid = RawRpc.nextXid();
        int renameXid = RawRpc.nextXid();
        int nfsPort;
        int mountPort;
        byte[] created;
        try (ServerProcess server = ServerProcess.start(export, state, 0, 0, tmp.resolve("first.log"), journaled)) {
            nfsPort = server.nfsPort();
            mountPort = server.mountPort();
            byte[] root = RawRpc.mount(mountPort, export.toString());
            Files.writeString(export.resolve("doomed"), "x");
            Files.writeString(export.resolve("moving"), "y");
            try (RawRpc.Conn c = RawRpc.Conn.open(nfsPort)) {
                RawRpc.Looked made = RawRpc.created(c.call(RawRpc.nfsCall(createXid, RawRpc.CREATE,
                        RawRpc.createArgs(root, "made", RawRpc.GUARDED))));
                assertEquals(RawRpc.NFS3_OK, made.status(), "CREATE");
                created = made.fh();
                assertEquals(RawRpc.NFS3_OK, c.call(RawRpc.nfsCall(removeXid, RawRpc.REMOVE,
                        RawRpc.dirOpArgs(root, "doomed"))).status(), "REMOVE");
                assertEquals(RawRpc.NFS3_OK, c.call(RawRpc.nfsCall(renameXid, RawRpc.RENAME,
                        RawRpc.renameArgs(root, "moving", root, "moved"))).status(), "RENAME");
            }
            server.kill(); // the replies "were lost": the client sends the same calls to the restarted server
        }
        try (ServerProcess server = ServerProcess.start(export, state, nfsPort, mountPort, tmp.resolve("second.log"),
                journaled)) {
            byte[] root = RawRpc.mount(mountPort, export.toString());
            try (RawRpc.Conn c = RawRpc.Conn.open(nfsPort)) {
                RawRpc.Looked again = RawRpc.created(c.call(RawRpc.nfsCall(createXid, RawRpc.CREATE,
                        RawRpc.createArgs(root, "made", RawRpc.GUARDED))));
                assertEquals(RawRpc.NFS3_OK, again.status(), "retransmitted GUARDED CREATE: OK, not EXIST");
                assertArrayEquals(created, again.fh(), "the retransmitted CREATE names the file it made");
                assertEquals(RawRpc.NFS3_OK, c.call(RawRpc.nfsCall(removeXid, RawRpc.REMOVE,
                        RawRpc.dirOpArgs(root, "doomed"))).status(), "retransmitted REMOVE: OK, not NOENT");
                assertEquals(RawRpc.NFS3_OK, c.call(RawRpc.nfsCall(renameXid, RawRpc.RENAME,
                        RawRpc.renameArgs(root, "moving", root, "moved"))).status(), "retransmitted RENAME: OK, not NOENT");
                assertEquals(RawRpc.NFS3ERR_NOENT, c.call(RawRpc.nfsCall(RawRpc.nextXid(), RawRpc.REMOVE,
                        RawRpc.dirOpArgs(root, "doomed"))).status(), "a new REMOVE of the name (new xid): NOENT");
            }
            server.stop();
        }
        assertEquals("y", Files.readString(export.resolve("moved")));
        assertTrue(Files.exists(export.resolve("made")) && !Files.exists(export.resolve("doomed"))
                && !Files.exists(export.resolve("moving")));
    }

    /** One client: random changes until told to stop or the server goes away. */
    private void load(Path export, int nfsPort, int mountPort, long seed, AtomicBoolean stop) {
        Random rnd = new Random(seed);
        byte[] root;
        try (ItRpcClient m = ItRpcClient.mount(mountPort)) {
            root = m.mntOk(export.toString());
        } catch (IOException e) {
            return; // killed before we got in
        }
        try (ItRpcClient c = ItRpcClient.nfs(nfsPort).withTimeout(java.time.Duration.ofSeconds(30))) {
            while (!stop.get()) {
                ops.incrementAndGet();
                String[] desc = new String[1];
                int status = oneOp(c, rnd, root, desc);
                if (status == nfs3_prot.NFS3_OK) {
                    acked.add(c.lastXid());
                    what.put(c.lastXid(), desc[0]);
                }
            }
        } catch (IOException e) {
            // the server was killed under us: whatever was not acknowledged may or may not be there
        }
    }

    /** One random change; returns its status, or -1 for a change that is not acknowledged as stable. */
    private static int oneOp(ItRpcClient c, Random rnd, byte[] root, String[] desc) throws IOException {
        String dirName = "d" + rnd.nextInt(3);
        String name = "f" + rnd.nextInt(20);
        var dir = c.lookup(root, dirName);
        if (dir.status != nfs3_prot.NFS3_OK) {
            desc[0] = "mkdir " + dirName;
            return c.mkdir(root, dirName, 0755).status;
        }
        byte[] d = dir.resok.object.data;
        int op = rnd.nextInt(10);
        desc[0] = "op" + op + " " + dirName + "/" + name;
        switch (op) {
            case 0, 1 -> {
                return c.create(d, name, 0644, nfs3_prot.GUARDED).status;
            }
            case 2, 3 -> {
                var f = c.lookup(d, name);
                if (f.status != nfs3_prot.NFS3_OK) {
                    return f.status;
                }
                byte[] data = new byte[1 + rnd.nextInt(20_000)];
                rnd.nextBytes(data);
                boolean sync = rnd.nextBoolean();
                int st = c.write(f.resok.object.data, rnd.nextInt(100_000), data,
                        sync ? nfs3_prot.FILE_SYNC : nfs3_prot.UNSTABLE).status;
                return sync ? st : -1;
            }
            case 4 -> {
                var f = c.lookup(d, name);
                return f.status != nfs3_prot.NFS3_OK ? f.status : c.commit(f.resok.object.data).status;
            }
            case 5 -> {
                String to = "d" + rnd.nextInt(3);
                String toName = "f" + rnd.nextInt(20);
                var t = c.lookup(root, to);
                if (t.status != nfs3_prot.NFS3_OK) {
                    return t.status;
                }
                int st = c.rename(d, name, t.resok.object.data, toName).status;
                return to.equals(dirName) && toName.equals(name) ? -1 : st; // a rename onto itself changes nothing
            }
            case 6 -> {
                return c.remove(d, name).status;
            }
            case 7 -> {
                var f = c.lookup(d, name);
                return f.status != nfs3_prot.NFS3_OK ? f.status
                        : c.chmod(f.resok.object.data, rnd.nextBoolean() ? 0600 : 0644).status;
            }
            case 8 -> {
                var f = c.lookup(d, name);
                return f.status != nfs3_prot.NFS3_OK ? f.status : c.link(f.resok.object.data, d, "h" + rnd.nextInt(10)).status;
            }
            default -> {
                String sub = "s" + rnd.nextInt(3);
                return rnd.nextBoolean() ? c.mkdir(d, sub, 0755).status : c.rmdir(d, sub).status;
            }
        }
    }
}
