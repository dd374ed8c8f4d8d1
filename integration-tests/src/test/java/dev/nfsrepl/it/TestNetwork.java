package dev.nfsrepl.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace of the test's own, with a bridge at {@code 10.214.0.1/24} and TAP devices
 * on it for qemu guests: the server runs inside it (its portmapper on port 111 there, not the
 * host's) and the guests reach it, and it them, as hosts on one LAN. qemu's user-mode networking
 * cannot carry calls from the server to a guest (NLM GRANTED, SM_NOTIFY); this can. Deleting the
 * namespace removes its devices; nothing outside it is touched.
 */
final class TestNetwork implements AutoCloseable {

    static final String SERVER = "10.214.0.1";

    private final String name;
    private int taps;
    private final List<String> hosts = new ArrayList<>();

    private TestNetwork(String name) {
        this.name = name;
    }

    static TestNetwork create() throws Exception {
        String name = "nfsrepl-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        ItCommands.runOk(Duration.ofSeconds(30), "ip", "netns", "add", name);
        TestNetwork n = new TestNetwork(name);
        try {
            n.ip("link", "set", "lo", "up");
            n.ip("link", "add", "br0", "type", "bridge");
            n.ip("addr", "add", SERVER + "/24", "dev", "br0");
            n.ip("link", "set", "br0", "up");
        } catch (Exception | AssertionError e) {
            n.close();
            throw e;
        }
        return n;
    }

    /** A guest's network: a new TAP device on the bridge, address 10.214.0.(10 + n), mounting from {@link #SERVER}. */
    LinuxGuest.Network guest(String hostName, boolean locking) throws Exception {
        return guest(hostName, locking, SERVER);
    }

    /** As {@link #guest(String, boolean)}, mounting from {@code server} (a service address, say). */
    LinuxGuest.Network guest(String hostName, boolean locking, String server) throws Exception {
        String tap = "tap" + taps++;
        ip("tuntap", "add", "dev", tap, "mode", "tap");
        ip("link", "set", tap, "master", "br0");
        ip("link", "set", tap, "up");
        return new LinuxGuest.Network(name, tap, "10.214.0." + (10 + taps) + "/24", server, hostName, locking);
    }

    /**
     * A host of its own on the LAN (a cluster member, say): a network namespace joined to the
     * bridge by a veth pair, with {@code address} (CIDR) on its {@code eth0}. Returns the prefix
     * that runs a command in it.
     */
    List<String> host(String hostName, String address) throws Exception {
        String ns = name + "-" + hostName;
        ItCommands.runOk(Duration.ofSeconds(30), "ip", "netns", "add", ns);
        hosts.add(ns);
        String veth = "v-" + hostName;
        ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
        ip("link", "set", veth, "master", "br0");
        ip("link", "set", veth, "up");
        for (String[] c : new String[][] {{"link", "set", "lo", "up"}, {"addr", "add", address, "dev", "eth0"},
                {"link", "set", "eth0", "up"}}) {
            List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
            cmd.addAll(List.of(c));
            ItCommands.runOk(Duration.ofSeconds(30), cmd.toArray(String[]::new));
        }
        return List.of("ip", "netns", "exec", ns);
    }

    /** The prefix that runs a command inside the namespace. */
    List<String> exec() {
        return List.of("ip", "netns", "exec", name);
    }

    private void ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        ItCommands.runOk(Duration.ofSeconds(30), cmd.toArray(String[]::new));
    }

    @Override
    public void close() throws Exception {
        for (String h : hosts) {
            ItCommands.run(Duration.ofSeconds(30), "ip", "netns", "del", h);
        }
        ItCommands.run(Duration.ofSeconds(30), "ip", "netns", "del", name);
    }
}
