package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three cluster members as processes on loopback (elections over UDP, replication over TCP): a
 * killed primary is replaced while a client writes, in sync mode without losing an acknowledged
 * change, and comes back as a backup; a planned switchover hands over without losing anything.
 */
class FailoverIT {

    static final List<String> NAMES = List.of("a", "b", "c");

    @TempDir
    Path tmp;
    final Map<String, int[]> ports = new LinkedHashMap<>(); // name -> {nfs, mount, replication, cluster}
    final Map<String, ServerProcess> nodes = new ConcurrentHashMap<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (ServerProcess p : nodes.values()) {
            p.close();
        }
    }

    void setUp() throws IOException {
        Files.writeString(tmp.resolve("key"), "a shared secret of this test cluster\n");
        for (String n : NAMES) {
            ports.put(n, new int[] {NfsTreeDigest.freePort(), NfsTreeDigest.freePort(), NfsTreeDigest.freePort(),
                    NfsTreeDigest.freePort()});
            Files.createDirectories(tmp.resolve(n));
        }
    }

    String members() {
        List<String> m = new ArrayList<>();
        ports.forEach((n, p) -> m.add(n + "=127.0.0.1:" + p[2] + ":" + p[3]));
        return String.join(",", m);
    }

    ServerProcess start(String n, String... extra) throws IOException, InterruptedException {
        int[] p = ports.get(n);
        List<String> args = new ArrayList<>(List.of("--name", n, "--export", tmp.resolve(n).toString(), "--state-dir",
                tmp.resolve(n + "-state").toString(), "--journal", tmp.resolve(n + "-journal").toString(), "--nfs-port",
                Integer.toString(p[0]), "--mount-port", Integer.toString(p[1]), "--member", members(),
                "--sync-key-file", tmp.resolve("key").toString(), "--export-as", TestCluster.EXPORT_AS,
                "--heartbeat-ms", "200", "--lease-ms", "1000", "--fail-after-ms", "2000",
                "--replication-mode", "sync", "--retry-max-ms", "300"));
        args.addAll(List.of(extra));
        ServerProcess s = ServerProcess.startNode(args, tmp.resolve("nodes.log"), ServerProcess.MEMBER_READY);
        nodes.put(n, s);
        return s;
    }

    JsonNode cluster(String n) {
        try {
            return nodes.get(n).admin().get("/api/v1/status").get("cluster");
        } catch (IOException | InterruptedException e) {
            return null; // not answering (killed, starting)
        }
    }

    /** Waits for a member that is primary, holds its lease and is followed by every other live member. */
    String awaitPrimary(Duration within) throws Exception {
        String[] found = {null};
        boolean ok = Await.within(within, () -> {
            for (String n : nodes.keySet()) {
                JsonNode c = cluster(n);
                if (c != null && c.get("role").asText().equals("PRIMARY") && c.get("mayWrite").asBoolean()) {
                    boolean followed = nodes.keySet().stream().filter(o -> !o.equals(n)).allMatch(o -> {
                        JsonNode oc = cluster(o);
                        return oc != null && n.equals(oc.path("primary").asText(""));
                    });
                    if (followed) {
                        found[0] = n;
                        return true;
                    }
                }
            }
            return false;
        });
        assertTrue(ok, "no primary followed by every member within " + within + "\n" + log());
        return found[0];
    }

    /** The members' log lines about roles, resyncs and trouble, for failure messages. */
    String log() throws IOException {
        return Files.readString(tmp.resolve("nodes.log")).lines()
                .filter(l -> l.contains("cluster:") || l.contains("WARN") || l.contains("ERROR"))
                .reduce("", (x, y) -> x + y + "\n");
    }

    /** The member that is primary and holds its lease now, or null. */
    String writable() {
        for (String n : nodes.keySet()) {
            JsonNode c = cluster(n);
            if (c != null && c.get("role").asText().equals("PRIMARY") && c.get("mayWrite").asBoolean()) {
                return n;
            }
        }
        return null;
    }

    ClusterWriter writer(String first) {
        return new ClusterWriter(first, n -> ports.get(n), this::writable);
    }

    void assertAllPresent(String primary, Set<String> acked) throws IOException {
        ClusterWriter.assertAllPresent(ports.get(primary), acked);
    }

    void assertConverged(String primary) throws InterruptedException {
        int[] p = ports.get(primary);
        for (String n : nodes.keySet()) {
            if (!n.equals(primary)) {
                int[] b = ports.get(n);
                assertNull(NfsTreeDigest.awaitEqual(p[0], p[1], b[0], b[1], TestCluster.EXPORT_AS, Duration.ofSeconds(60)),
                        n + " did not converge with the primary " + primary);
            }
        }
    }

    @Test
    void aKilledPrimaryIsReplacedWithoutLosingAnAcknowledgedChangeAndComesBackAsABackup() throws Exception {
        setUp();
        Files.writeString(tmp.resolve("a").resolve("before-the-cluster"), "the first primary's tree is the cluster's");
        start("a", "--role", "primary");
        start("b");
        start("c");
        String first = awaitPrimary(Duration.ofSeconds(30));
        assertEquals("a", first, "the member started with --role primary founds the cluster");
        ClusterWriter w = writer(first);
        w.start();
        assertTrue(Await.within(Duration.ofSeconds(30), () -> w.acked.size() >= 100), "the client writes: " + w.acked.size()
                + "\n" + log());
        long killedAt = System.nanoTime();
        nodes.remove(first).kill();
        String second = awaitPrimary(Duration.ofSeconds(30));
        long electedMs = (System.nanoTime() - killedAt) / 1_000_000;
        int before = w.acked.size();
        assertTrue(Await.within(Duration.ofSeconds(30), () -> w.acked.size() >= before + 100),
                "the client goes on against the new primary");
        w.finish();
        long rtoMs = w.longestOutageMs();
        System.out.println("FailoverIT: primary " + first + " killed; " + second + " primary after " + electedMs
                + " ms; the client's first change accepted again after " + rtoMs + " ms (failure to first accepted "
                + "write); " + w.acked.size() + " changes acknowledged");
        assertNotEquals(first, second);
        assertTrue(electedMs < 2000 + 5000, "promoted within the fail-after window + 5 s: " + electedMs + " ms");
        assertTrue(rtoMs >= 0, "the client saw the outage");
        assertAllPresent(second, w.acked);
        JsonNode c = cluster(second);
        assertTrue(c.get("epoch").asLong() > 1, c.toString());

        start(first); // the old primary returns: it follows the new one and converges
        assertEquals(second, awaitPrimary(Duration.ofSeconds(30)));
        assertEquals("BACKUP", cluster(first).get("role").asText());
        assertConverged(second);
        assertAllPresent(second, w.acked);
    }

    @Test
    void aPlannedSwitchoverLosesNothingAndLeavesOnePrimary() throws Exception {
        setUp();
        start("a", "--role", "primary");
        start("b");
        start("c");
        String first = awaitPrimary(Duration.ofSeconds(30));
        ClusterWriter w = writer(first);
        w.start();
        assertTrue(Await.within(Duration.ofSeconds(30), () -> w.acked.size() >= 50), "the client writes");
        String to = NAMES.stream().filter(n -> !n.equals(first)).findFirst().orElseThrow();
        long at = System.nanoTime();
        JsonNode answer = nodes.get(first).admin().post("/api/v1/cluster/demote", "{\"successor\": \"" + to + "\"}");
        assertEquals(to, answer.get("successor").asText());
        assertEquals(to, awaitPrimary(Duration.ofSeconds(30)));
        long tookMs = (System.nanoTime() - at) / 1_000_000;
        int before = w.acked.size();
        assertTrue(Await.within(Duration.ofSeconds(30), () -> w.acked.size() >= before + 50), "writes go on at " + to);
        w.finish();
        System.out.println("FailoverIT: planned switchover " + first + " -> " + to + " in " + tookMs + " ms; "
                + w.acked.size() + " changes acknowledged");
        long writable = nodes.keySet().stream().filter(n -> cluster(n).get("mayWrite").asBoolean()).count();
        assertEquals(1, writable, "exactly one member takes changes");
        assertAllPresent(to, w.acked);
        assertConverged(to);
    }
}
