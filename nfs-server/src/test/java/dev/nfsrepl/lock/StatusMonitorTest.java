package dev.nfsrepl.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusMonitorTest {

    @TempDir
    Path dir;

    private static StatusMonitor.Client client(String name, String address) throws IOException {
        return new StatusMonitor.Client(name, InetAddress.getByName(address), InetAddress.getByName("10.0.0.1"));
    }

    @Test
    void theStateNumberIsOddAndMovesOnAtEveryStart() throws IOException {
        assertEquals(1, StatusMonitor.start(dir, 10).state());
        assertEquals(3, StatusMonitor.start(dir, 10).state());
        Files.writeString(dir.resolve("state"), "8\n"); // (an even number: the server was down)
        assertEquals(9, StatusMonitor.start(dir, 10).state());
        // at least the seconds since 2020, made odd: members taking over from each other keep counting up
        long now = 1_577_836_800L + 1000;
        assertEquals(1001, StatusMonitor.start(dir, 10, now).state());
        assertEquals(1003, StatusMonitor.start(dir, 10, now).state(), "and up by two within the same second");
        assertEquals(2001, StatusMonitor.start(dir, 10, now + 1000).state());
    }

    @Test
    void monitoredHostsAreNotifiedAfterTheNextStartUntilTheyAreForgotten() throws IOException {
        StatusMonitor m = StatusMonitor.start(dir, 10);
        assertTrue(m.toNotify().isEmpty());
        assertTrue(m.monitor(client("guest a", "10.0.0.11")));
        assertTrue(m.monitor(client("guest-b", "fd00::12")));
        assertTrue(m.monitor(client("guest a", "10.0.0.13"))); // moved: its new address replaces the old
        StatusMonitor again = StatusMonitor.start(dir, 10);
        assertEquals(List.of(client("guest a", "10.0.0.13"), client("guest-b", "fd00::12")), again.toNotify());
        again.forget("guest a");
        assertNull(again.get("guest a"));
        assertEquals(List.of(client("guest-b", "fd00::12")), StatusMonitor.start(dir, 10).toNotify(),
                "kept until forgotten, across starts");
    }

    @Test
    void atMostMaxHostsAreMonitored() throws IOException {
        StatusMonitor m = StatusMonitor.start(dir, 2);
        assertTrue(m.monitor(client("a", "10.0.0.2")));
        assertTrue(m.monitor(client("b", "10.0.0.3")));
        assertFalse(m.monitor(client("c", "10.0.0.4")));
        assertTrue(m.monitor(client("a", "10.0.0.2")), "one it knows is still fine");
    }

    @Test
    void aDamagedFileIsRefusedNamingIt() throws IOException {
        StatusMonitor.start(dir, 10).monitor(client("a", "10.0.0.2"));
        Files.writeString(dir.resolve("monitors"), "a 10.0.0.2\n");
        IOException e = assertThrows(IOException.class, () -> StatusMonitor.start(dir, 10));
        assertTrue(e.getMessage().contains(dir.resolve("monitors").toString()), e.getMessage());
        Files.writeString(dir.resolve("monitors"), "a some.host.name 10.0.0.1\n");
        e = assertThrows(IOException.class, () -> StatusMonitor.start(dir, 10));
        assertTrue(e.getMessage().contains("not a numeric address"), e.getMessage());
        Files.writeString(dir.resolve("state"), "x\n");
        assertThrows(IOException.class, () -> StatusMonitor.start(dir, 10));
    }

    @Test
    void changesAreToldToTheListenerAndReplicatedOnesAreKeptBesideLocalOnes() throws IOException {
        StatusMonitor m = StatusMonitor.start(dir, 10);
        List<String> told = new java.util.ArrayList<>();
        m.setListener((c, on) -> told.add((on ? "+" : "-") + c.name()));
        m.monitor(client("a", "10.0.0.2"));
        m.monitor(client("a", "10.0.0.2")); // known: nothing to tell
        StatusMonitor.replicated(dir, client("r", "10.0.0.9"), true); // (as a backup applies a MONITOR record)
        m.monitor(client("b", "10.0.0.3"));
        m.forget("a");
        assertEquals(List.of("+a", "+b", "-a"), told);
        told.clear();
        m.refresh(); // (a new primary journals what it took over)
        assertEquals(java.util.Set.of("+r", "+b"), java.util.Set.copyOf(told));
        assertEquals(List.of(client("r", "10.0.0.9"), client("b", "10.0.0.3")), StatusMonitor.start(dir, 10).toNotify());
        StatusMonitor.replicated(dir, client("r", "10.0.0.9"), false);
        assertEquals(List.of(client("b", "10.0.0.3")), StatusMonitor.start(dir, 10).toNotify());
    }

    @Test
    void aChangeTheListenerRefusesFails() throws IOException {
        StatusMonitor m = StatusMonitor.start(dir, 10);
        m.setListener((c, on) -> {
            throw new IOException("journal closed");
        });
        assertThrows(IOException.class, () -> m.monitor(client("a", "10.0.0.2")));
        List<String> told = new java.util.ArrayList<>();
        m.setListener((c, on) -> told.add(c.name()));
        assertTrue(m.monitor(client("a", "10.0.0.2")));
        assertEquals(List.of("a"), told, "not journaled the first time: told again");
        m.setListener((c, on) -> {
            throw new IllegalArgumentException("not a numeric address");
        });
        assertThrows(IllegalArgumentException.class, () -> m.monitor(client("a", "10.0.0.7")));
        assertTrue(m.isMonitored(client("a", "10.0.0.2")), "a failed move leaves the host where it was");
        assertEquals(List.of(client("a", "10.0.0.2")), StatusMonitor.start(dir, 10).toNotify());
    }
}
