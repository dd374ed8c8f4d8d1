package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nfsrepl.nfs.xdr.nfs3_prot;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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

    /** Writes files to whichever member is primary, retrying through failovers; remembers what was acknowledged. */
    final class Writer extends Thread {
        final Set<String> acked = ConcurrentHashMap.newKeySet();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong failedSince = new AtomicLong(); // nanoTime of the first failure of the current outage
        final List<Long> outagesMs = new ArrayList<>();
        volatile String target;
        int next;

        Writer(String primary) {
            target = primary;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                String at = target;
                int[] p = ports.get(at);
                try (ItRpcClient m = ItRpcClient.mount(p[1]); ItRpcClient c = ItRpcClient.nfs(p[0])) {
                    byte[] root = m.mntOk(TestCluster.EXPORT_AS);
                    while (!stop.get() && at.equals(target)) {
                        String name = "f" + next;
                        var r = c.create(root, name, 0644);
                        if (r.status == nfs3_prot.NFS3_OK || (r.status == nfs3_prot.NFS3ERR_EXIST && failedSince.get() != 0)) {
                            // (EXIST after an outage: the create before it was made, its answer lost)
                            c.writeOk(c.lookupOk(root, name), 0, ("content of " + name).getBytes(StandardCharsets.UTF_8));
                            acked.add(name);
                            next++;
                            long since = failedSince.getAndSet(0);
                            if (since != 0) {
                                synchronized (outagesMs) {
                                    outagesMs.add((System.nanoTime() - since) / 1_000_000);
                                }
                            }
                        } else {
                            failed();
                            break;
                        }
                    }
                } catch (IOException | AssertionError e) {
                    failed(); // the member went away or stopped taking changes: find the primary again
                }
                if (!stop.get() && failedSince.get() != 0) {
                    retarget();
                }
            }
        }

        void failed() {
            failedSince.compareAndSet(0, System.nanoTime());
        }

        void retarget() {
            for (String n : nodes.keySet()) {
                JsonNode c = cluster(n);
                if (c != null && c.get("role").asText().equals("PRIMARY") && c.get("mayWrite").asBoolean()) {
                    target = n;
                    return;
                }
            }
            Thread.onSpinWait();
        }

        void finish() throws InterruptedException {
            stop.set(true);
            join(60_000);
        }
    }

    void assertAllPresent(String primary, Set<String> acked) throws IOException {
        int[] p = ports.get(primary);
        try (ItRpcClient m = ItRpcClient.mount(p[1]); ItRpcClient c = ItRpcClient.nfs(p[0])) {
            byte[] root = m.mntOk(TestCluster.EXPORT_AS);
            List<String> names = c.listNames(root);
            List<String> missing = acked.stream().filter(n -> !names.contains(n)).sorted().toList();
            assertTrue(missing.isEmpty(), "acknowledged and lost: " + missing);
            for (String n : acked) {
                assertEquals("content of " + n, new String(c.readAll(c.lookupOk(root, n)), StandardCharsets.UTF_8));
            }
        }
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
        Writer w = new Writer(first);
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
        long rtoMs = w.outagesMs.stream().mapToLong(Long::longValue).max().orElse(-1);
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
        Writer w = new Writer(first);
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
