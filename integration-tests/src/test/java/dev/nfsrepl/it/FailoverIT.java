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
import dev.nfsrepl.nfs.xdr.nlm4_prot;
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
    List<String> names = NAMES;
    String mode = "sync";

    @AfterEach
    void stop() throws InterruptedException {
        for (ServerProcess p : nodes.values()) {
            p.close();
        }
    }

    void setUp() throws IOException {
        Files.writeString(tmp.resolve("key"), "a shared secret of this test cluster\n");
        for (String n : names) {
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
                "--replication-mode", mode, "--retry-max-ms", "300"));
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
                String differ = NfsTreeDigest.awaitEqual(p[0], p[1], b[0], b[1], TestCluster.EXPORT_AS,
                        Duration.ofSeconds(60));
                if (differ != null) {
                    String why;
                    try {
                        why = log();
                    } catch (IOException e) {
                        why = e.toString();
                    }
                    assertNull(differ, n + " did not converge with the primary " + primary + "\n" + why);
                }
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
        ConsoleIT.Run demote = console(first, "demote", "--to", to); // POST /api/v1/cluster/demote, then waits
        assertEquals(0, demote.code(), demote.out() + demote.err());
        assertTrue(demote.out().startsWith(to + " is primary of epoch"), demote.out());
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

    void writeFile(String node, String name, String content) throws IOException {
        int[] p = ports.get(node);
        try (ItRpcClient m = ItRpcClient.mount(p[1]); ItRpcClient c = ItRpcClient.nfs(p[0])) {
            byte[] root = m.mntOk(TestCluster.EXPORT_AS);
            c.writeOk(c.createOk(root, name, 0644), 0, content.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A file's content at {@code node}, or null when the name is not there. */
    String readFile(String node, String name) throws IOException {
        int[] p = ports.get(node);
        try (ItRpcClient m = ItRpcClient.mount(p[1]); ItRpcClient c = ItRpcClient.nfs(p[0])) {
            byte[] root = m.mntOk(TestCluster.EXPORT_AS);
            if (c.lookup(root, name).status != dev.nfsrepl.nfs.xdr.nfs3_prot.NFS3_OK) {
                return null;
            }
            return new String(c.readAll(c.lookupOk(root, name)), StandardCharsets.UTF_8);
        }
    }

    ConsoleIT.Run console(String node, String... args) throws IOException {
        AdminClient a = nodes.get(node).admin();
        List<String> all = new ArrayList<>(List.of("--node", a.url(), "--token", a.token()));
        all.addAll(List.of(args));
        return ConsoleIT.console(Map.of(), all.toArray(String[]::new));
    }

    @Test
    void aReturningOldPrimaryKeepsWhatTheNewOneNeverGotAndTheConsoleReplaysItThere() throws Exception {
        names = List.of("a", "b"); // two members: promotion is manual
        mode = "async";
        setUp();
        start("a", "--role", "primary");
        start("b");
        assertEquals("a", awaitPrimary(Duration.ofSeconds(30)));
        writeFile("a", "shared", "both have this");
        assertConverged("a");
        nodes.remove("b").kill();
        writeFile("a", "lost-1", "written while b was down"); // (two members: a goes on alone)
        writeFile("a", "lost-2", "and this too");
        nodes.remove("a").kill();

        start("b"); // the operator knows a is down and promotes b from the console
        ConsoleIT.Run promote = console("b", "promote", "--force");
        assertEquals(0, promote.code(), promote.out() + promote.err());
        assertEquals("b", awaitPrimary(Duration.ofSeconds(30)));
        writeFile("b", "after-failover", "b's own");
        assertNull(readFile("b", "lost-1"), "b never got a's last changes");

        start("a"); // a returns: what it wrote alone is kept aside, its copy replaced by b's
        assertEquals("b", awaitPrimary(Duration.ofSeconds(30)));
        assertConverged("b");
        assertNull(readFile("a", "lost-1"), "a's copy is b's now");
        ConsoleIT.Run list = console("a", "divergence", "--json");
        assertEquals(0, list.code(), list.err());
        JsonNode kept = new com.fasterxml.jackson.databind.ObjectMapper().readTree(list.out());
        assertEquals(1, kept.size(), list.out());
        String name = kept.get(0).path("name").asText();
        assertTrue(kept.get(0).path("records").asLong() >= 4, "two CREATEs and two WRITEs: " + list.out());

        AdminClient b = nodes.get("b").admin();
        ConsoleIT.Run dry = console("a", "divergence", name, "--replay-on", b.url(), "--replay-token", b.token(),
                "--dry-run");
        assertEquals(0, dry.code(), dry.out() + dry.err());
        assertTrue(dry.out().contains("dry run, nothing changed"), dry.out());
        assertTrue(dry.out().contains("/lost-1"), dry.out());
        assertNull(readFile("b", "lost-1"), "a dry run changes nothing");

        ConsoleIT.Run replay = console("a", "divergence", name, "--replay-on", b.url(), "--replay-token", b.token());
        assertEquals(0, replay.code(), replay.out() + replay.err());
        System.out.println("FailoverIT: divergence " + name + " replayed on the new primary:\n" + replay.out());
        assertEquals("written while b was down", readFile("b", "lost-1"));
        assertEquals("and this too", readFile("b", "lost-2"));
        assertEquals("b's own", readFile("b", "after-failover"));
        assertEquals("both have this", readFile("b", "shared"));
        assertConverged("b"); // the replayed changes are replicated like any
    }

    /**
     * Lock state after a failover: a client's lock on the primary is journaled (the status
     * monitor's MONITOR record, in sync mode on the backups before the lock is granted); the
     * primary is killed; the new primary starts a grace period in which it refuses new locks and
     * accepts the client's reclaim, and afterwards the reclaimed lock excludes others.
     */
    @Test
    void theNewPrimaryGivesLockClientsAGracePeriodToReclaim() throws Exception {
        setUp();
        start("a", "--role", "primary", "--lock-grace-seconds", "20");
        start("b", "--lock-grace-seconds", "20");
        start("c", "--lock-grace-seconds", "20");
        String first = awaitPrimary(Duration.ofSeconds(30));
        byte[] file;
        int[] p = ports.get(first);
        try (ItRpcClient m = ItRpcClient.mount(p[1]); ItRpcClient c = ItRpcClient.nfs(p[0])) {
            file = c.createOk(m.mntOk(TestCluster.EXPORT_AS), "locked", 0644);
        }
        try (ItRpcClient nlm = ItRpcClient.nlm(p[1])) {
            assertEquals(nlm4_prot.NLM4_GRANTED, NlmIT.lock(nlm, NlmIT.lock("client-a", 1, file, 0, 0), true, false));
        }
        nodes.remove(first).kill();
        String second = awaitPrimary(Duration.ofSeconds(30));
        int[] q = ports.get(second);
        try (ItRpcClient nlm = ItRpcClient.nlm(q[1])) {
            int fresh = NlmIT.lock(nlm, NlmIT.lock("client-b", 1, file, 0, 0), true, false);
            int reclaim = NlmIT.reclaim(nlm, NlmIT.lock("client-a", 1, file, 0, 0));
            assertEquals(nlm4_prot.NLM4_DENIED_GRACE_PERIOD, fresh, "a new lock in the new primary's grace period\n"
                    + log());
            assertEquals(nlm4_prot.NLM4_GRANTED, reclaim, "client-a reclaims on the new primary");
            assertTrue(Await.within(Duration.ofSeconds(60), () -> NlmIT.lock(nlm, NlmIT.lock("client-b", 1, file, 0, 1),
                    true, false) == nlm4_prot.NLM4_DENIED), "after the grace period the reclaimed lock excludes "
                    + "client-b");
        }
        assertTrue(Files.readString(tmp.resolve("nodes.log")).contains("1 client host(s) took locks before this start"),
                log());
    }
}
