package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API of a primary and its backup, as processes on loopback: status (role, sequences,
 * the backup's link), the tree digest each node computes on request (equal once the backup has
 * caught up; a change made behind the backup's back is located to its directory and entry),
 * Prometheus metrics, the token, and a DIVERGED backup reported by itself and by its primary.
 */
class AdminIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

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
    void statusDigestsMetricsAndADivergedBackup() throws Exception {
        Path b = tmp.resolve("b");
        cluster = new TestCluster(tmp, List.of(), List.of());
        cluster.start();
        ServerProcess primary = cluster.primary();
        ServerProcess backup = cluster.backup();
        AdminClient pa = primary.admin();
        AdminClient ba = backup.admin();

        // the token is required, and a wrong one is refused with a message
        assertEquals(401, pa.send("/api/v1/status", null).statusCode());
        var wrong = pa.send("/api/v1/status", "not-the-token-of-this-node");
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.body().contains("\"error\""), wrong.body());
        assertEquals(401, ba.send("/metrics", null).statusCode());

        try (ItRpcClient m = ItRpcClient.mount(primary.mountPort()); ItRpcClient c = ItRpcClient.nfs(primary.nfsPort())) {
            byte[] root = m.mntOk("/export");
            byte[] d1 = c.mkdirOk(root, "d1", 0755);
            byte[] d2 = c.mkdirOk(root, "d2", 0755);
            for (int i = 0; i < 20; i++) {
                c.writeOk(c.createOk(i % 2 == 0 ? d1 : d2, "f" + i, 0644), 0,
                        ("content of f" + i).repeat(50 + i).getBytes(StandardCharsets.UTF_8));
            }

            JsonNode ps = pa.get("/api/v1/status");
            assertEquals("primary", ps.get("role").asText());
            assertEquals("p", ps.get("node").asText());
            long last = ps.get("lastSeq").asLong();
            assertTrue(last >= 42, "2 mkdirs, 20 creates and 20 writes were journaled: " + ps);
            JsonNode export = ps.get("exports").get(0);
            assertEquals("/export", export.get("path").asText());
            assertEquals("b1", export.get("backups").get(0).get("name").asText());

            // the backup catches up: its primary and itself say so
            await("b1 acknowledges and applies #" + last, () -> {
                JsonNode link = pa.get("/api/v1/status").get("exports").get(0).get("backups").get(0);
                JsonNode replica = ba.get("/api/v1/status").get("exports").get(0).get("replica");
                return link.get("state").asText().equals("STREAMING") && link.get("acked").asLong() >= last
                        && replica.get("applied").asLong() >= last && replica.get("state").asText().equals("APPLYING");
            });
            JsonNode bs = ba.get("/api/v1/status");
            assertEquals("backup", bs.get("role").asText());
            assertEquals(ps.get("epoch").asInt(), bs.get("epoch").asInt());

            // each node digests its own tree: equal
            await("equal root digests", () -> pa.get("/api/v1/digest").get("root").equals(
                    ba.get("/api/v1/digest").get("root")));
            JsonNode pd = pa.get("/api/v1/digest");
            assertEquals(23, pd.get("objects").asInt(), "root, 2 directories, 20 files: " + pd);
            assertEquals(List.of("/", "/d1", "/d2"), names(pd.get("directories")));

            // metrics: the backup holds everything, nothing diverged
            await("lag 0 in the primary's metrics", () -> pa.metrics()
                    .contains("nfsrepl_backup_lag_records{backup=\"b1\",export=\"/export\"} 0.0"));
            String pm = pa.metrics();
            assertTrue(pm.contains("nfsrepl_backup_streaming{backup=\"b1\",export=\"/export\"} 1.0"), pm);
            assertTrue(pm.contains("nfsrepl_backup_diverged{backup=\"b1\",export=\"/export\"} 0.0"), pm);
            assertTrue(pm.contains("nfsrepl_journal_last_seq{export=\"/export\"}"), pm);
            assertTrue(pm.contains("nfsrepl_journal_records_total{export=\"/export\",type=\"CREATE\"} 20.0"), pm);
            assertTrue(pm.contains("nfsrepl_journal_records_total{export=\"/export\",type=\"MKDIR\"} 2.0"), pm);
            long written = 0;
            for (int i = 0; i < 20; i++) {
                written += ("content of f" + i).repeat(50 + i).getBytes(StandardCharsets.UTF_8).length;
            }
            assertTrue(pm.contains("nfsrepl_journal_written_bytes_total{export=\"/export\"} " + (double) written), pm);
            assertTrue(pm.contains("nfsrepl_backup_lag_seconds{backup=\"b1\",export=\"/export\"} 0.0"), pm);
            assertTrue(ba.metrics().contains("nfsrepl_replica_diverged{export=\"/export\"} 0.0"), ba.metrics());

            // a change behind the backup's back: the digests differ, at /d1 (and the root above it) only,
            // and /d1's listing shows which entry
            Path f4 = b.resolve("d1/f4");
            byte[] data = Files.readAllBytes(f4);
            data[0] ^= 1;
            try (var ch = java.nio.channels.FileChannel.open(f4, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(data), 0); // same size; mtime changes too, so restore it
            }
            Files.setLastModifiedTime(f4, Files.getLastModifiedTime(tmp.resolve("p/d1/f4")));
            JsonNode bd = ba.get("/api/v1/digest");
            assertNotEquals(pd.get("root"), bd.get("root"));
            List<String> differ = new ArrayList<>();
            pd.get("directories").fields().forEachRemaining(e -> {
                if (!e.getValue().equals(bd.get("directories").get(e.getKey()))) {
                    differ.add(e.getKey());
                }
            });
            assertEquals(List.of("/", "/d1"), differ);
            List<String> pLines = lines(pa.get("/api/v1/digest?dir=/d1").get("entries"));
            List<String> bLines = lines(ba.get("/api/v1/digest?dir=/d1").get("entries"));
            List<String> changed = bLines.stream().filter(l -> !pLines.contains(l)).toList();
            assertEquals(1, changed.size(), "one entry differs: " + changed);
            assertTrue(changed.get(0).startsWith("/d1/f4 REGULAR"), changed.get(0));
            assertEquals(404, ba.send("/api/v1/digest?dir=/nowhere", backupToken()).statusCode());
            assertEquals(404, ba.send("/api/v1/digest?export=/other", backupToken()).statusCode());

            // another object under a name the primary is about to use: the backup cannot apply the
            // CREATE and stops applying (DIVERGED), says so itself, and its next ACK tells the primary
            Files.move(b.resolve("d2/f1"), b.resolve("d2/new"));
            c.createOk(d2, "new", 0644);
            await("b1 reports DIVERGED", () -> {
                JsonNode replica = ba.get("/api/v1/status").get("exports").get(0).get("replica");
                return replica.get("state").asText().equals("DIVERGED");
            });
            String why = ba.get("/api/v1/status").get("exports").get(0).get("replica").get("diverged").asText();
            assertTrue(why.contains("record"), why);
            assertTrue(ba.metrics().contains("nfsrepl_replica_diverged{export=\"/export\"} 1.0"), ba.metrics());
            int[] n = {0};
            await("the primary learns that b1 diverged", () -> {
                c.createOk(d1, "poke" + n[0]++, 0644); // each batch is acknowledged, with the flag
                return pa.get("/api/v1/status").get("exports").get(0).get("backups").get(0).get("diverged")
                        .asBoolean();
            });
            assertTrue(pa.metrics().contains("nfsrepl_backup_diverged{backup=\"b1\",export=\"/export\"} 1.0"));
            JsonNode replica = ba.get("/api/v1/status").get("exports").get(0).get("replica");
            assertTrue(replica.get("received").asLong() > replica.get("applied").asLong(),
                    "it keeps receiving without applying: " + replica);
        }
    }

    private String backupToken() throws IOException {
        return Files.readAllLines(tmp.resolve("b-state/admin.token")).get(0).strip();
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> lines(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(l -> out.add(l.asText()));
        return out;
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        if (!Await.within(DEADLINE, condition)) {
            throw new AssertionError("not within " + DEADLINE + ": " + what);
        }
    }
}
