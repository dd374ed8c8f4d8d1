package dev.nfsrepl.replication.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three {@link ClusterLink}s on loopback UDP: they elect a primary, replace a stopped one, and ignore strangers. */
class ClusterLinkTest {

    @TempDir
    Path tmp;
    final List<String> names = List.of("a", "b", "c");
    final Map<String, ClusterLink> links = new HashMap<>();
    final Map<String, InetSocketAddress> addresses = new HashMap<>();

    @AfterEach
    void close() {
        links.values().forEach(ClusterLink::close);
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    ClusterLink start(String name) throws IOException {
        Election.Config c = new Election.Config(name, names, Duration.ofMillis(50), Duration.ofMillis(400),
                Duration.ofMillis(600), Election.Promotion.AUTOMATIC);
        ClusterLink l = new ClusterLink(c, new ClusterLink.Members(addresses), ClusterState.load(tmp.resolve(name)),
                ClusterWireTest.KEY, (role, epoch, primary) -> { }, System::nanoTime).start();
        links.put(name, l);
        return l;
    }

    static void await(Duration d, BooleanSupplier ok, String what) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (!ok.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, what);
            Thread.sleep(5);
        }
    }

    String writer() {
        List<String> w = new ArrayList<>();
        links.forEach((n, l) -> {
            if (l.mayWrite()) {
                w.add(n);
            }
        });
        assertTrue(w.size() <= 1, "two writers: " + w);
        return w.isEmpty() ? null : w.get(0);
    }

    @Test
    void nodesElectAPrimaryOverUdpAndReplaceOneThatStops() throws Exception {
        for (String n : names) {
            addresses.put(n, new InetSocketAddress(InetAddress.getLoopbackAddress(), freeUdpPort()));
        }
        for (String n : names) {
            start(n);
        }
        await(Duration.ofSeconds(10), () -> writer() != null, "no primary elected");
        String first = writer();
        await(Duration.ofSeconds(5), () -> links.values().stream().allMatch(l -> first.equals(l.primary())),
                "not every node follows " + first);
        long epoch = links.get(first).epoch();
        ClusterState persisted = ClusterState.load(tmp.resolve(first));
        assertEquals(epoch, persisted.epoch());
        assertEquals(first, persisted.votedFor(), "it voted for itself, durably");

        links.remove(first).close();
        long stoppedAt = System.nanoTime();
        await(Duration.ofSeconds(10), () -> writer() != null, "no new primary after " + first + " stopped");
        String second = writer();
        long tookMs = (System.nanoTime() - stoppedAt) / 1_000_000;
        assertNotEquals(first, second);
        assertTrue(links.get(second).epoch() > epoch);
        assertTrue(tookMs >= 400, "taken over after " + tookMs + " ms, before the lease could have ended");

        start(first); // back: it follows the new primary
        await(Duration.ofSeconds(5), () -> second.equals(links.get(first).primary()), first + " does not follow " + second);
        assertEquals(Election.Role.BACKUP, links.get(first).role());
        assertEquals(second, writer());
    }

    String votedFor(String node) {
        try {
            return ClusterState.load(tmp.resolve(node)).votedFor();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void datagramsFromStrangersAreRefusedAndChangeNothing() throws Exception {
        for (String n : names) {
            addresses.put(n, new InetSocketAddress(InetAddress.getLoopbackAddress(), freeUdpPort()));
        }
        ClusterLink a = start("a");
        ClusterWire stranger = new ClusterWire(dev.nfsrepl.replication.wire.SyncKey.of(
                "not this cluster's secret".getBytes(java.nio.charset.StandardCharsets.UTF_8)).derive("cluster"));
        ClusterWire member = new ClusterWire(ClusterWireTest.KEY);
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            List<byte[]> bad = List.of(
                    stranger.encode("b", 1, 1, new Election.Heartbeat(99, 1)), // another key
                    member.encode("mallory", 1, 1, new Election.Heartbeat(99, 1)), // not a member
                    new byte[] {1, 2, 3}, // garbage
                    member.encode("a", 1, 1, new Election.Heartbeat(99, 1))); // itself
            for (byte[] d : bad) {
                s.send(new DatagramPacket(d, d.length, addresses.get("a")));
            }
            byte[] vote = member.encode("b", 1, 1, new Election.VoteRequest(50, 0, 0, true));
            s.send(new DatagramPacket(vote, vote.length, addresses.get("a")));
            s.send(new DatagramPacket(vote, vote.length, addresses.get("a"))); // and its copy
        }
        // one socket to one socket on loopback, one thread reading: the bad ones were handled before the good one
        await(Duration.ofSeconds(5), () -> "b".equals(votedFor("a")), "the member's vote request (epoch 50) was not granted");
        assertEquals(50, a.epoch(), "no stranger's epoch 99 was taken");
        assertEquals(50, ClusterState.load(tmp.resolve("a")).epoch());
        assertNotNull(a.role());
    }

    @Test
    void aNodeThatCannotPersistItsEpochTakesNoPartUntilItCanThenFollows() throws Exception {
        for (String n : names) {
            addresses.put(n, new InetSocketAddress(InetAddress.getLoopbackAddress(), freeUdpPort()));
        }
        // b's state cannot be replaced: its temporary file is a directory
        Path blocker = java.nio.file.Files.createDirectories(tmp.resolve("b").resolve("cluster.properties.tmp"));
        for (String n : names) {
            start(n);
        }
        await(Duration.ofSeconds(10), () -> writer() != null, "a and c elect no primary");
        String p = writer();
        assertNotEquals("b", p, "b won without persisting its epoch");
        ClusterLink b = links.get("b");
        assertEquals(0, b.epoch(), "b took an epoch it could not persist");
        assertEquals(null, b.primary(), "b follows a primary of an epoch it could not persist");
        assertEquals(0, ClusterState.load(tmp.resolve("b")).epoch());

        java.nio.file.Files.delete(blocker); // the disk is back: what the election decided meanwhile is carried out
        await(Duration.ofSeconds(5), () -> p.equals(b.primary()) && b.epoch() == links.get(p).epoch(),
                "b does not follow " + p + " once it can persist (b: " + b.role() + "@" + b.epoch() + ")");
        assertEquals(links.get(p).epoch(), ClusterState.load(tmp.resolve("b")).epoch());
        assertEquals(p, writer());
    }

    @Test
    void heartbeatsOverTheReplicationConnectionKeepThePrimaryWhenUdpBreaks() throws Exception {
        for (String n : names) {
            addresses.put(n, new InetSocketAddress(InetAddress.getLoopbackAddress(), freeUdpPort()));
        }
        for (String n : names) {
            start(n);
        }
        await(Duration.ofSeconds(10), () -> writer() != null, "no primary elected");
        String p = writer();
        long epoch = links.get(p).epoch();
        // the replication connections: the primary's to each backup, and back
        java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong carried = new java.util.concurrent.atomic.AtomicLong();
        links.forEach((n, l) -> l.alsoVia((to, datagram) -> {
            if (up.get() && (n.equals(p) || to.equals(p))) {
                carried.incrementAndGet();
                links.get(to).receivedOver("a test connection", datagram);
            }
        }));
        for (String n : names) { // UDP breaks: every member's datagrams go to a port nobody reads
            addresses.put(n, new InetSocketAddress(InetAddress.getLoopbackAddress(), freeUdpPort()));
        }
        long until = System.nanoTime() + Duration.ofMillis(2_000).toNanos(); // five leases, three fail-after windows
        while (System.nanoTime() < until) {
            assertEquals(p, writer(), "the primary lost its lease although the other path carried its heartbeats");
            for (ClusterLink l : links.values()) {
                assertEquals(epoch, l.epoch(), "a backup stood for election while the primary was heard");
            }
            Thread.sleep(20);
        }
        assertTrue(carried.get() > 20, carried.get() + " datagrams over the other path");
        up.set(false); // both paths down: the lease runs out
        await(Duration.ofMillis(1_000), () -> !links.get(p).mayWrite(), "the primary kept writing without answers");
    }
}
