package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.log.LogKind;
import dev.nfsrepl.replication.log.SegmentLog;
import dev.nfsrepl.replication.record.OpRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary and a backup, each its own process, on loopback; a Linux kernel client (in the qemu
 * guest) works on the primary. The backup's tree, read over NFS, converges to the primary's; a
 * backup killed and away catches up from its spill file, which is deleted afterwards; a backup or
 * a primary killed mid-stream leaves no gap and no duplicate (the backup's receive journal equals
 * the primary's journal record for record).
 */
class ReplicationIT {

    private static final String EXPORT_AS = TestCluster.EXPORT_AS;
    private static final Duration CONVERGE = Duration.ofSeconds(120);

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // nodes.log and the trees tell why
    Path tmp;

    private TestCluster cluster;

    @AfterEach
    void stop() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aBackupConvergesCatchesUpFromItsSpillFileAndSurvivesKillsOfEitherNode() throws Exception {
        cluster = new TestCluster(tmp, List.of(), List.of("--journal-checkpoint-seconds", "1"));
        cluster.start();
        int nfsPort = cluster.primary().nfsPort();
        int mountPort = cluster.primary().mountPort();
        List<String> answers = new ArrayList<>();
        LinuxGuest.Result r = LinuxGuest.run(Files.readString(Path.of("src/test/guest/replication.sh")), nfsPort,
                mountPort, List.of(new LinuxGuest.Mount(EXPORT_AS, "/mnt/a", "")), Duration.ofMinutes(20), request -> {
                    String answer = switch (request) {
                        case "converged" -> converged();
                        case "kill-backup" -> {
                            cluster.backup().kill();
                            yield "ok";
                        }
                        case "spilled" -> spillFiles() > 0 ? "ok" : "FAIL no spill file under " + spillDir();
                        case "restart-backup" -> {
                            cluster.startBackup();
                            String c = converged();
                            yield c.equals("ok") ? spillGone() : c;
                        }
                        case "kill-restart-primary" -> {
                            cluster.primary().kill();
                            cluster.startPrimary(nfsPort, mountPort);
                            yield "ok";
                        }
                        default -> "FAIL unknown request " + request;
                    };
                    answers.add(request + ": " + answer);
                    return answer;
                });
        assertTrue(r.console().contains("@@DONE"), "the guest script ran to its end:\n" + r.consoleText());
        assertEquals(8, answers.size(), answers.toString());
        for (String a : answers) {
            assertTrue(a.endsWith(": ok"), a + "\nall answers: " + answers + "\nnodes:\n"
                    + cluster.primary().logTail());
        }
        cluster.primary().stop();
        cluster.backup().stop();
        List<String> shipped = records(journalLog(tmp.resolve("p-journal")), LogKind.JOURNAL);
        List<String> received = records(journalLog(tmp.resolve("b-journal")), LogKind.RECEIVED);
        assertTrue(shipped.size() > 1000, "the workload made " + shipped.size() + " records");
        assertEquals(shipped.size(), received.size(), "the backup holds every record once");
        assertEquals(shipped, received, "the backup holds the primary's records, in order");
    }

    /** Waits until the backup's tree equals the primary's; "ok", or "FAIL" with the difference. */
    private String converged() throws InterruptedException {
        String diff = NfsTreeDigest.awaitEqual(cluster.primary().nfsPort(), cluster.primary().mountPort(),
                cluster.backupNfsPort(), cluster.backupMountPort(), EXPORT_AS,
                CONVERGE);
        return diff == null ? "ok" : "FAIL not converged within " + CONVERGE + ": " + diff.replace('\n', ' ');
    }

    private Path spillDir() throws IOException {
        return journalLog(tmp.resolve("p-journal")).resolveSibling("spill").resolve("b1");
    }

    private long spillFiles() throws IOException {
        Path d = spillDir();
        if (!Files.isDirectory(d)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    private String spillGone() throws Exception {
        return Await.within(Duration.ofSeconds(30), () -> !Files.exists(spillDir())) ? "ok"
                : "FAIL the spill file " + spillDir() + " is still there";
    }

    private static Path journalLog(Path journal) throws IOException {
        try (Stream<Path> s = Files.list(journal)) {
            List<Path> exports = s.filter(p -> p.getFileName().toString().startsWith("export-")).toList();
            assertEquals(1, exports.size(), "one export journal in " + journal);
            return exports.get(0).resolve("log");
        }
    }

    private static List<String> records(Path dir, LogKind kind) throws IOException {
        List<String> out = new ArrayList<>();
        try (SegmentLog l = SegmentLog.openReadOnly(dir, kind); LogCursor c = l.readFromSeq(l.firstSeq())) {
            for (OpRecord r; (r = c.next()) != null; ) {
                out.add(r.toString());
            }
        }
        return out;
    }
}
