package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.nfs.xdr.nfs3_prot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup away longer than its spill limit allows: the primary drops the spill file and, when the
 * backup returns, resyncs it fully (walking its live tree while a client keeps changing it); the
 * backup's copy then equals the primary's, including what it had and the primary no longer has,
 * hard links, symlinks and a sparse file; a later restart of the backup needs no resync.
 */
class ResyncIT {

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path tmp;

    private ServerProcess primary;
    private ServerProcess backup;
    private int backupNfs;
    private int backupMount;
    private int replicationPort;
    private Path log;

    @AfterEach
    void stop() throws InterruptedException {
        if (primary != null) {
            primary.close();
        }
        if (backup != null) {
            backup.close();
        }
    }

    private ServerProcess startBackup() throws IOException, InterruptedException {
        return ServerProcess.startNode(List.of("--role", "backup", "--export", tmp.resolve("b").toString(),
                "--state-dir", tmp.resolve("b-state").toString(), "--journal", tmp.resolve("b-journal").toString(),
                "--nfs-port", Integer.toString(backupNfs), "--mount-port", Integer.toString(backupMount),
                "--replication-port", Integer.toString(replicationPort), "--sync-key-file", tmp.resolve("key").toString(),
                "--export-as", "/export"), log, ServerProcess.BACKUP_READY);
    }

    @Test
    void aBackupAwayBeyondItsSpillLimitIsFullyResyncedAndConverges() throws Exception {
        Files.createDirectories(tmp.resolve("p"));
        Files.createDirectories(tmp.resolve("b"));
        Files.writeString(tmp.resolve("key"), "a shared secret of this test cluster\n");
        log = tmp.resolve("nodes.log");
        backupNfs = NfsTreeDigest.freePort();
        backupMount = NfsTreeDigest.freePort();
        replicationPort = NfsTreeDigest.freePort();
        backup = startBackup();
        primary = ServerProcess.startNode(List.of("--export", tmp.resolve("p").toString(), "--state-dir",
                tmp.resolve("p-state").toString(), "--journal", tmp.resolve("p-journal").toString(), "--nfs-port", "0",
                "--mount-port", "0", "--peer", "b1=127.0.0.1:" + replicationPort, "--sync-key-file",
                tmp.resolve("key").toString(), "--export-as", "/export", "--spill-limit-mib", "1", "--retry-ms", "100"),
                log, ServerProcess.READY);
        Random rnd = new Random(5);
        try (ItRpcClient m = ItRpcClient.mount(primary.mountPort()); ItRpcClient c = ItRpcClient.nfs(primary.nfsPort())) {
            byte[] root = m.mntOk("/export");
            byte[] keep = c.mkdirOk(root, "keep", 0755);
            byte[] gone = c.mkdirOk(root, "gone", 0700);
            for (int i = 0; i < 40; i++) {
                byte[] f = c.createOk(i % 2 == 0 ? keep : gone, "f" + i, 0644);
                c.writeOk(f, 0, bytes(rnd, 1000 + i * 97));
            }
            converge();

            backup.kill();
            for (int i = 0; i < 40; i += 2) {
                assertEquals(nfs3_prot.NFS3_OK, c.remove(gone, "f" + (i + 1)).status);
            }
            assertEquals(nfs3_prot.NFS3_OK, c.rmdir(root, "gone").status);
            assertEquals(nfs3_prot.NFS3_OK, c.rename(keep, "f0", root, "moved").status);
            byte[] big = c.createOk(root, "big", 0600);
            for (int i = 0; i < 24; i++) { // 3 MiB: past the 1 MiB spill limit
                c.writeOk(big, (long) i << 17, bytes(rnd, 1 << 17));
            }
            byte[] sparse = c.createOk(keep, "sparse", 0644);
            c.writeOk(sparse, 5L << 20, "the end".getBytes(StandardCharsets.UTF_8));
            assertEquals(nfs3_prot.NFS3_OK, c.link(big, keep, "big-link").status);
            assertEquals(nfs3_prot.NFS3_OK, c.symlink(keep, "to-big", "../big").status);
            awaitLog("will need a FULL RESYNC", "the primary drops the spill file past its limit");
            assertFalse(Files.exists(spillDir()), "the spill file is deleted");

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = new Thread(() -> { // changes while the backup is walked and caught up
                try (ItRpcClient w = ItRpcClient.nfs(primary.nfsPort())) {
                    byte[] d = w.mkdirOk(root, "during", 0755);
                    for (int i = 0; running.get(); i++) {
                        byte[] f = w.createOk(d, "g" + i, 0644);
                        w.writeOk(f, 0, ("during " + i).getBytes(StandardCharsets.UTF_8));
                        if (i % 3 == 2) {
                            assertEquals(nfs3_prot.NFS3_OK, w.rename(d, "g" + (i - 1), keep, "h" + i).status);
                        }
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            }, "writer");
            writer.start();
            backup = startBackup();
            awaitLog("full resync done; streaming", "the resync completes");
            running.set(false);
            writer.join(TimeUnit.SECONDS.toMillis(60));
            assertEquals(null, failed.get(), "the client kept working during the resync");
            converge();
        }
        assertFalse(Files.exists(tmp.resolve("b").resolve("gone")), "what the primary removed is gone from the copy");
        long resyncs = Files.readString(log).lines().filter(l -> l.contains("FULL RESYNC (")).count();
        backup.stop();
        backup = startBackup();
        converge();
        assertEquals(resyncs, Files.readString(log).lines().filter(l -> l.contains("FULL RESYNC (")).count(),
                "a restarted backup goes on from its position, without another resync");
    }

    private Path spillDir() throws IOException {
        try (var s = Files.list(tmp.resolve("p-journal"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("export-")).findFirst().orElseThrow()
                    .resolve("spill").resolve("b1");
        }
    }

    private void awaitLog(String text, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(log).contains(text)) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what + "\n" + primary.logTail());
            Thread.sleep(100);
        }
    }

    private void converge() throws Exception {
        String diff = NfsTreeDigest.awaitEqual(primary.nfsPort(), primary.mountPort(), backupNfs, backupMount, "/export",
                java.time.Duration.ofSeconds(120));
        if (diff != null) {
            throw new AssertionError("the backup did not converge within 120 s: " + diff + "\n" + primary.logTail());
        }
    }

    private static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
