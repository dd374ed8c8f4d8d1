package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication over TLS between processes on loopback, with certificates made by
 * {@code scripts/replication-certs.sh} as the README tells operators: a primary and its backup
 * with certificates of the same authority replicate (the trees converge, the backup logs the
 * primary's certificate); a primary whose certificate another authority signed is refused, and
 * its backup receives nothing.
 */
class TlsReplicationIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path tmp;

    private final List<TestCluster> clusters = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (TestCluster c : clusters) {
            c.close();
        }
    }

    static void certs(Path dir, String... nodes) throws IOException, InterruptedException {
        Path script = Path.of("..", "scripts", "replication-certs.sh").toAbsolutePath().normalize();
        List<String> cmd = new ArrayList<>(List.of(script.toString(), dir.toString()));
        cmd.addAll(List.of(nodes));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), script + " failed (it needs openssl): " + out);
    }

    static List<String> tls(Path dir, String node, Path ca) {
        return List.of("--replication-tls-cert", dir.resolve(node + ".pem").toString(), "--replication-tls-key",
                dir.resolve(node + ".key").toString(), "--replication-tls-ca", ca.resolve("ca.pem").toString());
    }

    @Test
    void aClusterReplicatesOverTlsAndRefusesACertificateOfAnotherAuthority() throws Exception {
        Path certs = tmp.resolve("tls");
        certs(certs, "p", "b1=127.0.0.1"); // the primary dials its backup at 127.0.0.1
        Path foreign = tmp.resolve("foreign-tls");
        certs(foreign, "p");

        TestCluster cluster = new TestCluster(tmp.resolve("good"), tls(certs, "p", certs), tls(certs, "b1", certs));
        clusters.add(cluster);
        cluster.start();
        ServerProcess primary = cluster.primary();
        try (ItRpcClient m = ItRpcClient.mount(primary.mountPort()); ItRpcClient c = ItRpcClient.nfs(primary.nfsPort())) {
            byte[] root = m.mntOk(TestCluster.EXPORT_AS);
            byte[] d = c.mkdirOk(root, "d", 0755);
            for (int i = 0; i < 10; i++) {
                c.writeOk(c.createOk(d, "f" + i, 0644), 0, ("over TLS " + i).repeat(100).getBytes(StandardCharsets.UTF_8));
            }
        }
        assertNull(NfsTreeDigest.awaitEqual(primary.nfsPort(), primary.mountPort(), cluster.backupNfsPort(),
                cluster.backupMountPort(), TestCluster.EXPORT_AS, DEADLINE), "the backup converged");
        String log = Files.readString(cluster.log());
        assertTrue(log.contains("primary 'p' authenticated over TLS as CN=p"), "the backup logs the TLS peer:\n" + log);
        assertTrue(log.contains("(TLS: TLS 1.3, certificate "), "the backup says it listens with TLS:\n" + log);

        // the same cluster's backup, and a primary with the sync key but another authority's certificate
        TestCluster forged = new TestCluster(tmp.resolve("forged"), tls(foreign, "p", certs), tls(certs, "b1", certs));
        clusters.add(forged);
        forged.start();
        try (ItRpcClient m = ItRpcClient.mount(forged.primary().mountPort());
             ItRpcClient c = ItRpcClient.nfs(forged.primary().nfsPort())) {
            c.createOk(m.mntOk(TestCluster.EXPORT_AS), "never-replicated", 0644);
        }
        assertTrue(Await.within(DEADLINE, () -> Files.readString(forged.log()).contains("PKIX path validation failed")),
                "the backup refused the certificate, and said why:\n" + Files.readString(forged.log()));
        JsonNode replica = forged.backup().admin().get("/api/v1/status").get("exports").get(0).get("replica");
        assertEquals(0, replica.get("received").asLong(), "nothing reached the backup: " + replica);
        assertTrue(Files.notExists(tmp.resolve("forged/b/never-replicated")));
        JsonNode link = forged.primary().admin().get("/api/v1/status").get("exports").get(0).get("backups").get(0);
        assertTrue(!link.get("state").asText().equals("STREAMING"), "the primary is not streaming: " + link);
    }
}
