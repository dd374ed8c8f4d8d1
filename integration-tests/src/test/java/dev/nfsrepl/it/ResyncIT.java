package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.nfs.xdr.nfs3_prot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    private TestCluster cluster;

    @AfterEach
    void stop() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aBackupAwayBeyondItsSpillLimitIsFullyResyncedAndConverges() throws Exception {
        cluster = new TestCluster(tmp, List.of("--spill-limit-mib", "1", "--retry-ms", "100"), List.of());
        cluster.start();
        Random rnd = new Random(5);
        ServerProcess primary = cluster.primary();
        try (ItRpcClient m = ItRpcClient.mount(primary.mountPort()); ItRpcClient c = ItRpcClient.nfs(primary.nfsPort())) {
            byte[] root = m.mntOk("/export");
            byte[] keep = c.mkdirOk(root, "keep", 0755);
            byte[] gone = c.mkdirOk(root, "gone", 0700);
            for (int i = 0; i < 40; i++) {
                byte[] f = c.createOk(i % 2 == 0 ? keep : gone, "f" + i, 0644);
                c.writeOk(f, 0, bytes(rnd, 1000 + i * 97));
            }
            converge();

            cluster.backup().kill();
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
            cluster.startBackup();
            awaitLog("full resync done; streaming", "the resync completes");
            running.set(false);
            writer.join(TimeUnit.SECONDS.toMillis(60));
            assertEquals(null, failed.get(), "the client kept working during the resync");
            converge();
        }
        assertFalse(Files.exists(tmp.resolve("b").resolve("gone")), "what the primary removed is gone from the copy");
        long resyncs = Files.readString(cluster.log()).lines().filter(l -> l.contains("FULL RESYNC (")).count();
        cluster.backup().stop();
        cluster.startBackup();
        converge();
        assertEquals(resyncs, Files.readString(cluster.log()).lines().filter(l -> l.contains("FULL RESYNC (")).count(),
                "a restarted backup goes on from its position, without another resync");
    }

    @Test
    void aNewBackupGetsWhatTheExportHeldBeforeItsJournalBegan() throws Exception {
        Files.createDirectories(tmp.resolve("p/old/deeper"));
        Files.writeString(tmp.resolve("p/old/deeper/file"), "there before the journal\n");
        Files.writeString(tmp.resolve("p/top"), "also\n");
        cluster = new TestCluster(tmp, List.of(), List.of());
        cluster.start();
        // nothing looks the files up on the primary (that would journal them); only a resync brings them
        awaitLog("full resync done; streaming", "the new backup is resynced");
        assertTrue(Files.readString(cluster.log()).contains("the journal began when the tree already held files"));
        assertEquals("there before the journal\n", Files.readString(tmp.resolve("b/old/deeper/file")));
        assertEquals("also\n", Files.readString(tmp.resolve("b/top")));
        converge();
    }

    @Test
    void anInterruptedResyncResumesWithoutSendingTheContentTheBackupHolds() throws Exception {
        cluster = new TestCluster(tmp, List.of("--spill-limit-mib", "1", "--retry-ms", "100"), List.of());
        cluster.start();
        ServerProcess primary = cluster.primary();
        Random rnd = new Random(7);
        int dirs = 30;
        int files = 60;
        try (ItRpcClient m = ItRpcClient.mount(primary.mountPort()); ItRpcClient c = ItRpcClient.nfs(primary.nfsPort())) {
            byte[] root = m.mntOk("/export");
            c.mkdirOk(root, "first", 0755);
            converge();
            cluster.backup().kill();
            for (int d = 0; d < dirs; d++) { // 1800 files of 24 KiB, 43 MiB: past the spill limit
                byte[] dir = c.mkdirOk(root, "d" + d, 0755);
                for (int f = 0; f < files; f++) {
                    c.writeOk(c.createOk(dir, "f" + f, 0644), 0, bytes(rnd, 24 << 10));
                }
            }
            awaitLog("will need a FULL RESYNC", "the primary drops the spill file past its limit");
        }
        cluster.startBackup();
        Path staging = tmp.resolve(".b.resync");
        assertTrue(Await.within(Duration.ofSeconds(120), () -> { // a third of the files copied: stop the backup mid-walk
            assertFalse(Files.readString(cluster.log()).contains("full resync done"), "the resync ended before it was cut");
            return count(staging) >= dirs * files / 3;
        }), () -> "the resync did not get a third of the way\n" + primary.logTail());
        cluster.backup().kill();
        assertFalse(Files.readString(cluster.log()).contains("full resync walk sent"), "the first walk did not finish");
        cluster.startBackup();
        awaitLog("full resync done; streaming", "the resumed resync completes");
        converge();
        String all = Files.readString(cluster.log());
        assertTrue(all.contains("RESUMING the unfinished full resync"), "the backup offers its copy");
        assertTrue(all.contains("RESUMING the interrupted full resync"), "the primary resumes it");
        long held = all.lines().filter(l -> l.contains("resuming a resync: "))
                .map(l -> l.replaceAll(".*resuming a resync: (\\d+) files.*", "$1")).mapToLong(Long::parseLong)
                .findFirst().orElse(0);
        assertTrue(held > 0, "some files were complete on the backup and their content not sent again");
        long sent = all.lines().filter(l -> l.contains("full resync walk sent"))
                .map(l -> l.replaceAll(".*walk sent \\d+ objects, (\\d+) bytes.*", "$1")).mapToLong(Long::parseLong)
                .findFirst().orElseThrow();
        long total = (long) dirs * files * (24 << 10);
        System.out.println("ResyncIT: the resumed walk took the content of " + held + " files from the backup's kept copy "
                + "and sent " + sent + " of " + total + " bytes");
        assertTrue(sent < total * 3 / 4, "the resumed walk sent " + sent + " bytes of content, of " + total);
        assertFalse(Files.exists(staging), "the resync's copy took the old one's place");
        assertEquals(primary.admin().get("/api/v1/digest").get("root"),
                cluster.backup().admin().get("/api/v1/digest").get("root"), "each node's own digest of its tree agrees");
    }

    private static long count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        } catch (java.io.UncheckedIOException e) {
            return 0; // changing under the walk: try again
        }
    }

    private Path spillDir() throws IOException {
        try (var s = Files.list(tmp.resolve("p-journal"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("export-")).findFirst().orElseThrow()
                    .resolve("spill").resolve("b1");
        }
    }

    private void awaitLog(String text, String what) throws Exception {
        assertTrue(Await.within(Duration.ofSeconds(120), () -> Files.readString(cluster.log()).contains(text)),
                () -> "timed out waiting until " + what + "\n" + cluster.primary().logTail());
    }

    private void converge() throws Exception {
        ServerProcess primary = cluster.primary();
        String diff = NfsTreeDigest.awaitEqual(primary.nfsPort(), primary.mountPort(), cluster.backupNfsPort(),
                cluster.backupMountPort(), TestCluster.EXPORT_AS,
                Duration.ofSeconds(120));
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
