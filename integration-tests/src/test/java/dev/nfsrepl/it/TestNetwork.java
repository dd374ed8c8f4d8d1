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

    /** A guest's network: a new TAP device on the bridge, address 10.214.0.(10 + n). */
    LinuxGuest.Network guest(String hostName, boolean locking) throws Exception {
        String tap = "tap" + taps++;
        ip("tuntap", "add", "dev", tap, "mode", "tap");
        ip("link", "set", tap, "master", "br0");
        ip("link", "set", tap, "up");
        return new LinuxGuest.Network(name, tap, "10.214.0." + (10 + taps) + "/24", SERVER, hostName, locking);
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
        ItCommands.run(Duration.ofSeconds(30), "ip", "netns", "del", name);
    }
}
