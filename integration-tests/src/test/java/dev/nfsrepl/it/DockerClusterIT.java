package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import dev.nfsrepl.nfs.xdr.nfs3_prot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * The three-member cluster of docker/compose.yml, in Docker containers (Testcontainers), from the
 * node image docker/Dockerfile builds: each member on Docker's default bridge (its published ports,
 * where the test's client reaches it) and on a private "cluster" network (replication, votes,
 * heartbeats) that the test cuts and heals. Sync mode, heartbeats every 200 ms, a 1 s lease, 2 s
 * before a backup stands for election.
 */
class DockerClusterIT {

    static final String IMAGE = "nfsrepl-node:it";
    static final String TOKEN = "the admin token of this docker test cluster";
    static final List<String> NAMES = List.of("a", "b", "c");
    static final int NFS = 2049;
    static final int MOUNT = 20048;
    static final int ADMIN = 20051;

    final Map<String, GenericContainer<?>> nodes = new LinkedHashMap<>();
    String mode = "sync"; // --replication-mode of every member
    Network cluster;
    Network clients; // when set: the members' client network (else Docker's default bridge)
    String serviceAddress; // when set: each member runs docker/service-address.sh to move it to the primary
    DockerClient docker;

    /** Builds the node image from docker/Dockerfile on the offline base image (scripts/test.sh builds that). */
    @BeforeAll
    static void image() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        String base = System.getProperty("nfsrepl.it.dockerBase", "nfsrepl-base:bookworm");
        ItCommands.runOk(Duration.ofMinutes(5), "docker", "image", "inspect", base); // fails naming what is missing
        ItCommands.runOk(Duration.ofMinutes(10), "docker", "build", "-q", "-f", root.resolve("docker/Dockerfile").toString(),
                "--build-arg", "BASE=" + base, "-t", IMAGE, root.toString());
    }

    @AfterEach
    void stop() {
        nodes.values().forEach(GenericContainer::stop);
        if (cluster != null) {
            cluster.close();
        }
        if (clients != null) {
            clients.close();
        }
    }

    void start(String... firstFlags) {
        docker = DockerClientFactory.instance().client();
        cluster = Network.newNetwork();
        for (String n : NAMES) {
            List<String> cmd = new ArrayList<>(List.of("--name", n, "--member", "a=a,b=b,c=c", "--sync-key-file",
                    "/run/sync-key", "--admin-token-file", "/run/admin-token", "--export-clients", "*",
                    "--replication-mode", mode, "--heartbeat-ms", "200", "--lease-ms", "1000", "--fail-after-ms",
                    "2000", "--retry-max-ms", "300"));
            if (n.equals("a")) {
                cmd.addAll(List.of(firstFlags));
            }
            if (serviceAddress != null) {
                cmd.addAll(List.of("--on-role-change", "/opt/nfsrepl/service-address.sh"));
            }
            GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(IMAGE));
            if (clients != null) {
                c.withNetwork(clients);
            }
            if (serviceAddress != null) {
                c.withEnv("NFSREPL_SERVICE_ADDRESS", serviceAddress).withCreateContainerCmdModifier(create ->
                        create.getHostConfig().withCapAdd(com.github.dockerjava.api.model.Capability.NET_ADMIN));
            }
            c
                    .withCommand(cmd.toArray(String[]::new))
                    .withCopyToContainer(Transferable.of("a shared secret of the docker test cluster\n", 0600),
                            "/run/sync-key")
                    .withCopyToContainer(Transferable.of(TOKEN + "\n", 0600), "/run/admin-token")
                    .withExposedPorts(NFS, MOUNT, ADMIN)
                    .waitingFor(Wait.forLogMessage(".*nfsrepl: cluster member.*", 1)
                            .withStartupTimeout(Duration.ofMinutes(2)));
            c.start();
            nodes.put(n, c);
            join(n);
        }
    }

    /** Connects member {@code n} to the cluster network, under its name. */
    void join(String n) {
        docker.connectToNetworkCmd().withNetworkId(cluster.getId()).withContainerId(nodes.get(n).getContainerId())
                .withContainerNetwork(new ContainerNetwork().withAliases(n)).exec();
    }

    /** Cuts member {@code n} off the cluster network (its clients still reach it). */
    void cut(String n) {
        docker.disconnectFromNetworkCmd().withNetworkId(cluster.getId()).withContainerId(nodes.get(n).getContainerId())
                .exec();
    }

    /** The host ports of member {@code n} now: {nfs, mount, admin} (a restarted container may get new ones). */
    int[] ports(String n) {
        Ports p = docker.inspectContainerCmd(nodes.get(n).getContainerId()).exec().getNetworkSettings().getPorts();
        return new int[] {hostPort(p, NFS), hostPort(p, MOUNT), hostPort(p, ADMIN)};
    }

    private static int hostPort(Ports p, int port) {
        Ports.Binding[] b = p.getBindings().get(ExposedPort.tcp(port));
        if (b == null || b.length == 0) {
            throw new IllegalStateException("port " + port + " is not published (the container is not running)");
        }
        return Integer.parseInt(b[0].getHostPortSpec());
    }

    AdminClient admin(String n) {
        return new AdminClient("http://localhost:" + ports(n)[2], TOKEN);
    }

    JsonNode status(String n) {
        try {
            return admin(n).get("/api/v1/status");
        } catch (IOException | InterruptedException | RuntimeException e) {
            return null; // stopped, killed or starting
        }
    }

    /** The member that is primary and holds its lease now, or null. */
    String writable() {
        for (String n : nodes.keySet()) {
            JsonNode s = status(n);
            if (s != null && s.path("cluster").path("mayWrite").asBoolean()) {
                return n;
            }
        }
        return null;
    }

    /** Waits for a primary every other reachable member follows. */
    String awaitPrimary(Duration within, List<String> among) throws Exception {
        String[] found = {null};
        assertTrue(Await.within(within, () -> {
            String p = writable();
            if (p == null || !among.contains(p)) {
                return false;
            }
            for (String o : among) {
                JsonNode s = status(o);
                if (s == null || !p.equals(s.path("cluster").path("primary").asText(""))) {
                    return false;
                }
            }
            found[0] = p;
            return true;
        }), () -> "no primary among " + among + " within " + within + "; " + roles() + "\n" + logs());
        return found[0];
    }

    /** The members' recent log lines about roles and trouble, for failure messages. */
    String logs() {
        StringBuilder b = new StringBuilder();
        nodes.forEach((n, c) -> {
            List<String> lines = c.getLogs().lines().filter(l -> l.contains("cluster:") || l.contains(" WARN ")
                    || l.contains(" ERROR ")).toList();
            b.append("---- ").append(n).append('\n');
            lines.subList(Math.max(0, lines.size() - 25), lines.size()).forEach(l -> b.append(l).append('\n'));
        });
        return b.toString();
    }

    String roles() {
        List<String> r = new ArrayList<>();
        for (String n : nodes.keySet()) {
            JsonNode s = status(n);
            r.add(n + "=" + (s == null ? "down" : s.path("cluster").path("role").asText() + "@"
                    + s.path("cluster").path("epoch").asLong()));
        }
        return String.join(" ", r);
    }

    ClusterWriter writer(String first) {
        return new ClusterWriter(first, this::ports, this::writable);
    }

    /** Waits until every member's own digest of its tree is the primary's (and it applied all the primary has). */
    void assertConverged(String primary) throws Exception {
        String[] last = {""};
        assertTrue(Await.within(Duration.ofSeconds(90), () -> {
            try {
                JsonNode p = admin(primary).get("/api/v1/digest");
                for (String n : nodes.keySet()) {
                    JsonNode d = n.equals(primary) ? p : admin(n).get("/api/v1/digest");
                    if (!d.path("root").asText().equals(p.path("root").asText())) {
                        last[0] = n + " differs from " + primary;
                        return false;
                    }
                }
                return true;
            } catch (IOException e) {
                last[0] = e.getMessage(); // a member whose copy is being replaced answers 409 or 500 meanwhile
                return false;
            }
        }), () -> "not converged: " + last[0] + "; " + roles() + "\n" + logs());
    }

    @Test
    void aBackupCutOffWhileAClientWritesSpillsAndConvergesWhenItReturns() throws Exception {
        start("--role", "primary");
        String primary = awaitPrimary(Duration.ofSeconds(60), NAMES);
        String away = NAMES.stream().filter(n -> !n.equals(primary)).findFirst().orElseThrow();
        ClusterWriter w = writer(primary);
        w.start();
        assertTrue(Await.within(Duration.ofSeconds(60), () -> w.acked.size() >= 30), "the client writes");
        cut(away);
        int before = w.acked.size();
        assertTrue(Await.within(Duration.ofSeconds(60), () -> spillBytes(primary, away) > 0
                && w.acked.size() >= before + 100), () -> "no spill for " + away + "; " + roles());
        long spilled = spillBytes(primary, away);
        assertEquals(primary, writable(), "the primary and the other backup keep a majority: it goes on");
        join(away);
        w.finish();
        assertConverged(primary);
        ClusterWriter.assertAllPresent(ports(away), w.acked);
        System.out.println("DockerClusterIT: " + away + " was away for " + (w.acked.size() - before)
                + " changes, its spill file grew to " + spilled + " bytes, and it converged");
    }

    private long spillBytes(String primary, String backup) throws IOException, InterruptedException {
        for (JsonNode b : admin(primary).get("/api/v1/status").path("exports").get(0).path("backups")) {
            if (b.path("name").asText().equals(backup)) {
                return b.path("spillBytes").asLong();
            }
        }
        return 0;
    }

    @Test
    void aKilledPrimaryIsReplacedInTimeLosesNoAcknowledgedChangeAndComesBackAsABackup() throws Exception {
        start("--role", "primary");
        String first = awaitPrimary(Duration.ofSeconds(60), NAMES);
        ClusterWriter w = writer(first);
        w.start();
        assertTrue(Await.within(Duration.ofSeconds(60), () -> w.acked.size() >= 50), "the client writes");
        long killedAt = System.nanoTime();
        docker.killContainerCmd(nodes.get(first).getContainerId()).exec();
        List<String> rest = NAMES.stream().filter(n -> !n.equals(first)).toList();
        String second = awaitPrimary(Duration.ofSeconds(30), rest);
        long promotedMs = (System.nanoTime() - killedAt) / 1_000_000;
        int before = w.acked.size();
        assertTrue(Await.within(Duration.ofSeconds(30), () -> w.acked.size() >= before + 50),
                "the client goes on against the new primary");
        w.finish();
        System.out.println("DockerClusterIT: primary " + first + " killed; " + second + " promoted after " + promotedMs
                + " ms (window 2000 ms + up to 500 ms); first change accepted again after " + w.longestOutageMs()
                + " ms (RTO); " + w.acked.size() + " acknowledged, none lost");
        assertNotEquals(first, second);
        assertTrue(promotedMs < 2000 + 5000, "promoted within the window + 5 s: " + promotedMs + " ms");
        ClusterWriter.assertAllPresent(ports(second), w.acked);

        docker.startContainerCmd(nodes.get(first).getContainerId()).exec(); // it returns, as a backup
        assertEquals(second, awaitPrimary(Duration.ofSeconds(60), NAMES));
        assertEquals("BACKUP", status(first).path("cluster").path("role").asText());
        assertConverged(second);
    }

    @Test
    void aPrimaryIsolatedAloneStopsTakingChangesAndAfterHealingThereIsOnePrimary() throws Exception {
        start("--role", "primary", "--reads-without-lease", "refuse"); // (a: its stale reads are refused too)
        String first = awaitPrimary(Duration.ofSeconds(60), NAMES);
        ClusterWriter w = writer(first);
        w.start();
        assertTrue(Await.within(Duration.ofSeconds(60), () -> w.acked.size() >= 50), "the client writes");
        byte[] root;
        try (ItRpcClient m = ItRpcClient.mount(ports(first)[1])) {
            root = m.mntOk(TestCluster.EXPORT_AS); // (mounted before: it refuses reads, MNT too, once alone)
        }
        long cutAt = System.nanoTime();
        cut(first);
        // alone, it stops taking changes within its lease; its clients still reach it and are told to retry
        assertTrue(Await.within(Duration.ofSeconds(10), () -> {
            JsonNode s = status(first);
            return s != null && !s.path("cluster").path("mayWrite").asBoolean();
        }), "the isolated primary still takes changes");
        long stoppedMs = (System.nanoTime() - cutAt) / 1_000_000;
        try (ItRpcClient c = ItRpcClient.nfs(ports(first)[0])) {
            assertEquals(nfs3_prot.NFS3ERR_JUKEBOX, c.create(root, "while-isolated", 0644).status);
            assertEquals(nfs3_prot.NFS3ERR_JUKEBOX, c.getattr(root).status, "--reads-without-lease refuse");
        }
        List<String> rest = NAMES.stream().filter(n -> !n.equals(first)).toList();
        String second = awaitPrimary(Duration.ofSeconds(30), rest);
        long electedMs = (System.nanoTime() - cutAt) / 1_000_000;
        int before = w.acked.size();
        assertTrue(Await.within(Duration.ofSeconds(30), () -> w.acked.size() >= before + 50), () -> "writes go on at " + second + "; " + roles() + "\n" + logs());
        join(first);
        assertEquals(second, awaitPrimary(Duration.ofSeconds(30), NAMES), "after healing, the majority's primary");
        w.finish();
        long writers = nodes.keySet().stream().filter(n -> status(n).path("cluster").path("mayWrite").asBoolean()).count();
        assertEquals(1, writers, "exactly one primary; " + roles());
        System.out.println("DockerClusterIT: primary " + first + " isolated; it stopped taking changes after "
                + stoppedMs + " ms; " + second + " primary after " + electedMs + " ms; healed: one primary, "
                + w.acked.size() + " acknowledged, none lost");
        ClusterWriter.assertAllPresent(ports(second), w.acked);
        assertConverged(second);
        // what it wrote alone (a change in flight when its lease ran out, answered JUKEBOX) is kept, not applied
        JsonNode divergence = admin(first).get("/api/v1/divergence");
        long kept = 0;
        for (JsonNode d : divergence) {
            kept += d.path("records").asLong();
            for (JsonNode r : admin(first).get("/api/v1/divergence/" + d.path("name").asText())) {
                assertTrue(!r.path("op").asText().equals("CREATE") || !w.acked.contains(r.path("name").asText()),
                        "an acknowledged change among the old primary's divergent records: " + r);
            }
        }
        System.out.println("DockerClusterIT: the isolated primary's divergence: " + kept + " records " + divergence);
    }

    @Test
    void aServiceAddressFollowsThePrimaryAndItsClientGoesOnThere() throws Exception {
        // the members' client network, with a subnet the test knows: the service address is one of it
        clients = Network.builder().createNetworkCmdModifier(create -> create.withIpam(
                new com.github.dockerjava.api.model.Network.Ipam().withConfig(
                        new com.github.dockerjava.api.model.Network.Ipam.Config().withSubnet("10.213.7.0/24")))).build();
        serviceAddress = "10.213.7.250/24";
        start("--role", "primary");
        String first = awaitPrimary(Duration.ofSeconds(60), NAMES);
        java.net.InetAddress vip = java.net.InetAddress.getByName("10.213.7.250");
        // (the host reaches the network through its bridge; the address answers once the hook ran)
        assertTrue(Await.within(Duration.ofSeconds(30), () -> holder(vip) != null),
                "the service address is nowhere: " + logs());
        assertEquals(first, holder(vip), "the primary holds the service address");
        ClusterWriter w = ClusterWriter.at(vip, NFS, MOUNT);
        w.start();
        assertTrue(Await.within(Duration.ofSeconds(60), () -> w.acked.size() >= 50), "the client writes through it");
        long killedAt = System.nanoTime();
        docker.killContainerCmd(nodes.get(first).getContainerId()).exec();
        List<String> rest = NAMES.stream().filter(n -> !n.equals(first)).toList();
        String second = awaitPrimary(Duration.ofSeconds(30), rest);
        int before = w.acked.size();
        assertTrue(Await.within(Duration.ofSeconds(60), () -> w.acked.size() >= before + 50),
                () -> "the client does not go on through the service address; " + roles() + "\n" + logs());
        long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
        w.finish();
        assertEquals(second, holder(vip), "the new primary holds the service address");
        System.out.println("DockerClusterIT: service address 10.213.7.250 moved from " + first + " to " + second
                + "; the client, which only knows that address, wrote again after " + w.longestOutageMs()
                + " ms (RTO through the address); " + w.acked.size() + " acknowledged, none lost");
        ClusterWriter.assertAllPresent(ports(second), w.acked);
        docker.startContainerCmd(nodes.get(first).getContainerId()).exec(); // back as a backup: it does not take it
        assertEquals(second, awaitPrimary(Duration.ofSeconds(60), NAMES));
        assertEquals(second, holder(vip));
    }

    /** The member whose interfaces hold {@code address} now, or null (two holders fail). */
    String holder(java.net.InetAddress address) {
        List<String> holders = new ArrayList<>();
        for (String n : nodes.keySet()) {
            try {
                var r = nodes.get(n).execInContainer("ip", "-o", "addr", "show", "to", address.getHostAddress());
                if (r.getExitCode() == 0 && !r.getStdout().isBlank()) {
                    holders.add(n);
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                // not running
            }
        }
        assertTrue(holders.size() <= 1, "the service address is on " + holders);
        return holders.isEmpty() ? null : holders.get(0);
    }

    @Test
    void inAsyncModeAKilledPrimaryLosesOnlyItsLastChangesAndTheLossIsMeasured() throws Exception {
        mode = "async"; // replies after the local journal only
        start("--role", "primary");
        String first = awaitPrimary(Duration.ofSeconds(60), NAMES);
        ClusterWriter w = writer(first);
        w.start();
        assertTrue(Await.within(Duration.ofSeconds(60), () -> w.acked.size() >= 300), "the client writes");
        java.util.Set<String> atKill = new java.util.HashSet<>(w.acked);
        docker.killContainerCmd(nodes.get(first).getContainerId()).exec();
        List<String> rest = NAMES.stream().filter(n -> !n.equals(first)).toList();
        String second = awaitPrimary(Duration.ofSeconds(30), rest);
        w.finish();
        List<String> names;
        int[] p = ports(second);
        try (ItRpcClient m = ItRpcClient.mount(p[1]); ItRpcClient c = ItRpcClient.nfs(p[0])) {
            names = c.listNames(m.mntOk(TestCluster.EXPORT_AS));
        }
        List<Integer> lost = atKill.stream().filter(n -> !names.contains(n)).map(n -> Integer.parseInt(n.substring(1)))
                .sorted().toList();
        int lastKept = atKill.stream().filter(names::contains).mapToInt(n -> Integer.parseInt(n.substring(1))).max()
                .orElse(-1);
        System.out.println("DockerClusterIT: async mode, primary killed under a writer: " + lost.size() + " of "
                + atKill.size() + " acknowledged changes lost (RPO) " + lost);
        assertTrue(lost.isEmpty() || lost.get(0) > lastKept, "a change was lost before one that was kept: lost "
                + lost + ", kept up to f" + lastKept);
    }

    @Test
    void aPlannedSwitchoverLosesNothing() throws Exception {
        start("--role", "primary");
        String first = awaitPrimary(Duration.ofSeconds(60), NAMES);
        ClusterWriter w = writer(first);
        w.start();
        assertTrue(Await.within(Duration.ofSeconds(60), () -> w.acked.size() >= 50), "the client writes");
        String to = NAMES.stream().filter(n -> !n.equals(first)).reduce((x, y) -> y).orElseThrow();
        long at = System.nanoTime();
        assertEquals(to, admin(first).post("/api/v1/cluster/demote", "{\"successor\": \"" + to + "\"}")
                .path("successor").asText());
        assertEquals(to, awaitPrimary(Duration.ofSeconds(30), NAMES));
        long tookMs = (System.nanoTime() - at) / 1_000_000;
        int before = w.acked.size();
        assertTrue(Await.within(Duration.ofSeconds(30), () -> w.acked.size() >= before + 50), "writes go on at " + to);
        w.finish();
        System.out.println("DockerClusterIT: switchover " + first + " -> " + to + " in " + tookMs + " ms; "
                + w.acked.size() + " acknowledged, none lost");
        ClusterWriter.assertAllPresent(ports(to), w.acked);
        assertConverged(to);
    }
}
