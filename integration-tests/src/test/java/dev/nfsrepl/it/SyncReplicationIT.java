package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.nfs.xdr.nfs3_prot;
import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.log.LogKind;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sync mode: a primary with one backup, both processes; clients create files and write them
 * FILE_SYNC; the primary is SIGKILLed in the middle. Every file whose CREATE and WRITE the
 * clients saw acknowledged is in the backup's receive journal, with its content.
 */
class SyncReplicationIT {

    private static final int CLIENTS = 4;

    @TempDir
    Path tmp;

    private TestCluster cluster;

    @AfterEach
    void stop() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A backup, then a sync-mode primary replicating to it, with {@code extra} flags. */
    private void startCluster(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--replication-mode", "sync", "--retry-ms", "100"));
        args.addAll(List.of(extra));
        cluster = new TestCluster(tmp, args, List.of());
        cluster.start();
    }

    /** CREATE of {@code name} on the primary, on a thread of its own; completes with the NFS status. */
    private java.util.concurrent.CompletableFuture<Integer> create(byte[] root, String name) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (ItRpcClient c = ItRpcClient.nfs(cluster.primary().nfsPort())) {
                return c.create(root, name, 0644).status;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private byte[] root() throws IOException {
        try (ItRpcClient m = ItRpcClient.mount(cluster.primary().mountPort())) {
            return m.mntOk("/export");
        }
    }

    @Test
    void withNoBackupReachableSyncModeBlocksRepliesUntilOneHoldsTheChange() throws Exception {
        startCluster();
        byte[] root = root();
        assertEquals(nfs3_prot.NFS3_OK, (int) create(root, "before").get(60, TimeUnit.SECONDS));
        cluster.backup().kill();
        var pending = create(root, "while-away");
        assertThrows(java.util.concurrent.TimeoutException.class, () -> pending.get(3, TimeUnit.SECONDS),
                "the reply waits for a backup");
        cluster.startBackup();
        assertEquals(nfs3_prot.NFS3_OK, (int) pending.get(60, TimeUnit.SECONDS), "and comes once the backup holds it");
    }

    @Test
    void withNoBackupReachableSyncModeCanFallBackToAsyncWithAWarning() throws Exception {
        startCluster("--sync-when-unreachable", "async");
        byte[] root = root();
        cluster.backup().kill();
        assertEquals(nfs3_prot.NFS3_OK, (int) create(root, "while-away").get(60, TimeUnit.SECONDS));
        // the warning reaches the log file through the child's stdout, maybe after the reply: wait for it
        assertTrue(Await.within(Duration.ofSeconds(10),
                () -> Files.readString(cluster.log()).contains("replying after the local journal only")),
                cluster.primary().logTail());
    }

    @Test
    void everyChangeAcknowledgedInSyncModeIsOnTheBackupAfterThePrimaryIsKilled() throws Exception {
        startCluster();
        byte[] root = root();
        Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
            int client = t;
            Thread th = new Thread(() -> {
                try (ItRpcClient c = ItRpcClient.nfs(cluster.primary().nfsPort()).withTimeout(Duration.ofSeconds(20))) {
                    for (int i = 0; ; i++) {
                        String name = "c" + client + "-" + i;
                        byte[] data = (name + " ").repeat(50 + i % 200).getBytes(StandardCharsets.UTF_8);
                        byte[] fh = c.createOk(root, name, 0644);
                        c.writeOk(fh, 0, data); // FILE_SYNC
                        acknowledged.put(name, data);
                    }
                } catch (IOException | AssertionError e) {
                    // the primary is gone
                }
            }, "client-" + t);
            th.start();
            clients.add(th);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (acknowledged.size() < 300) {
            assertTrue(System.nanoTime() < deadline, "clients made only " + acknowledged.size() + " files in 120 s\n"
                    + cluster.primary().logTail());
            assertTrue(clients.stream().allMatch(Thread::isAlive),
                    "a client stopped early\n" + cluster.primary().logTail());
            Thread.sleep(20);
        }
        cluster.primary().kill();
        for (Thread th : clients) {
            th.join(TimeUnit.SECONDS.toMillis(60));
        }
        Map<String, byte[]> seen = Map.copyOf(acknowledged);
        cluster.backup().stop();

        Map<String, byte[]> onBackup = filesIn(receiveLog(tmp.resolve("b-journal")));
        for (Map.Entry<String, byte[]> e : seen.entrySet()) {
            byte[] got = onBackup.get(e.getKey());
            assertNotNull(got, e.getKey() + " was acknowledged but the backup does not hold its CREATE");
            assertArrayEquals(e.getValue(), got, "content of " + e.getKey() + " on the backup");
        }
        assertTrue(seen.size() >= 300, "acknowledged " + seen.size());
        assertEquals(0, Files.readString(cluster.log()).lines().filter(l -> l.contains("DIVERGED")).count(),
                "no divergence");
    }

    private static Path receiveLog(Path journal) throws IOException {
        try (Stream<Path> s = Files.list(journal)) {
            return s.filter(p -> p.getFileName().toString().startsWith("export-")).findFirst().orElseThrow()
                    .resolve("log");
        }
    }

    /** name -> content of the files the records create and write (one directory, writes at 0). */
    private static Map<String, byte[]> filesIn(Path log) throws IOException {
        Map<Long, String> names = new HashMap<>();
        Map<String, byte[]> content = new HashMap<>();
        try (SegmentLog l = SegmentLog.openReadOnly(log, LogKind.RECEIVED); LogCursor c = l.readFromSeq(l.firstSeq())) {
            for (OpRecord r; (r = c.next()) != null; ) {
                if (r.op() instanceof Op.Create cr) {
                    names.put(cr.id(), cr.name());
                    content.put(cr.name(), new byte[0]);
                } else if (r.op() instanceof Op.Write w && names.containsKey(w.id())) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    ByteBuffer d = w.data().duplicate();
                    byte[] b = new byte[d.remaining()];
                    d.get(b);
                    out.write(b);
                    content.put(names.get(w.id()), out.toByteArray());
                }
            }
        }
        return content;
    }
}
