package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Locks through a failover, with the Linux kernel client: two cluster members, each a host of its
 * own on the test's LAN (a network namespace), and a service address that docker/service-address.sh
 * moves to whichever is primary; two guests mount the service address. guest-a holds a lock when the
 * primary is killed: the new primary, which received the lock client list in the journal, tells
 * guest-a (under the service address) that the server restarted, guest-a reclaims in the grace
 * period, and guest-b is refused the lock.
 */
class LinuxLockFailoverIT {

    private static final String SERVICE = "10.214.0.100";
    private static final Map<String, String> ADDRESSES = Map.of("a", "10.214.0.2", "b", "10.214.0.3");

    @TempDir
    Path tmp;

    private TestNetwork net;
    private final Map<String, ServerProcess> nodes = new ConcurrentHashMap<>();
    private final Map<String, List<String>> hosts = new ConcurrentHashMap<>();

    @AfterEach
    void stop() throws Exception {
        try {
            for (ServerProcess p : nodes.values()) {
                p.close();
            }
        } finally {
            if (net != null) {
                net.close();
            }
        }
    }

    private ServerProcess start(String n, String... extra) throws Exception {
        List<String> prefix = new ArrayList<>(hosts.get(n));
        prefix.addAll(List.of("env", "NFSREPL_SERVICE_ADDRESS=" + SERVICE + "/24",
                "JAVA_TOOL_OPTIONS=-Dorg.slf4j.simpleLogger.log.dev.nfsrepl.nfs.NlmService=debug"));
        String members = "a=" + ADDRESSES.get("a") + ":20050:20052,b=" + ADDRESSES.get("b") + ":20050:20052";
        List<String> args = new ArrayList<>(List.of("--name", n, "--export", tmp.resolve(n).toString(), "--state-dir",
                tmp.resolve(n + "-state").toString(), "--journal", tmp.resolve(n + "-journal").toString(),
                "--nfs-port", "2049", "--mount-port", "20048", "--bind", "0.0.0.0", "--portmap",
                "--export-clients", "10.214.0.0/24", "--member", members, "--sync-key-file",
                tmp.resolve("key").toString(), "--export-as", "/share", "--heartbeat-ms", "200", "--lease-ms", "1000",
                "--fail-after-ms", "2000", "--replication-mode", "sync",
                // two members: with one gone, changes (a new lock client's record among them) go on unreplicated
                "--sync-when-unreachable", "async", "--promotion", "automatic",
                "--lock-grace-seconds", "15", "--on-role-change",
                Path.of("../docker/service-address.sh").toAbsolutePath().normalize().toString()));
        args.addAll(List.of(extra));
        ServerProcess s = ServerProcess.startNode(prefix, args, tmp.resolve(n + ".log"), ServerProcess.MEMBER_READY);
        nodes.put(n, s);
        return s;
    }

    private String log(String n) throws java.io.IOException {
        return Files.readString(tmp.resolve(n + ".log"));
    }

    private boolean holdsServiceAddress(String n) throws Exception {
        List<String> cmd = new ArrayList<>(hosts.get(n));
        cmd.addAll(List.of("ip", "-o", "addr", "show"));
        return ItCommands.run(Duration.ofSeconds(10), cmd.toArray(String[]::new)).output().contains(SERVICE + "/");
    }

    @Test
    void aLockIsReclaimedFromTheNewPrimaryAfterTheOldOneIsKilled() throws Exception {
        net = TestNetwork.create();
        Files.writeString(tmp.resolve("key"), "a shared secret of this test cluster\n");
        for (String n : List.of("a", "b")) {
            Files.createDirectories(tmp.resolve(n));
            hosts.put(n, net.host(n, ADDRESSES.get(n) + "/24"));
        }
        start("a", "--role", "primary");
        start("b");
        Await.until(Duration.ofSeconds(60), "member a to hold the service address", () -> holdsServiceAddress("a"));

        String holder = """
                mkdir -p /mnt/a/shared && echo x > /mnt/a/shared/ready && sync
                echo "@@HOST wait replicated"; read -r _
                mkfifo /tmp/release; exec 3<>/tmp/release
                locksuite hold /mnt/a/shared/db 0 0 <&3 > /tmp/held &
                until grep -q HELD /tmp/held; do sleep 0.1; done
                echo "@@HOST fail over"; read -r _
                echo "@@HOST signal a-reclaimed"; read -r _
                echo "@@HOST wait b-done"; read -r _
                echo x >&3; wait
                """;
        String other = """
                echo "@@HOST wait a-reclaimed"; read -r _
                locksuite try /mnt/a/shared/db 0 0; rc=$?
                echo "@@CHECK refused_after_failover $([ $rc = 1 ] && echo PASS || echo FAIL rc=$rc)"
                echo "@@HOST signal b-done"; read -r _
                """;
        java.util.Set<String> signalled = ConcurrentHashMap.newKeySet();
        LinuxGuest.HostHandler handler = request -> {
            String[] w = request.split(" ", 2);
            switch (request) {
                case "wait replicated" -> Await.until(Duration.ofSeconds(60), "the backup to hold the guest's file",
                        () -> Files.exists(tmp.resolve("b").resolve("shared").resolve("ready")));
                case "fail over" -> {
                    // the primary's machine dies: its process, and its network with the service address on it
                    nodes.remove("a").kill();
                    List<String> down = new ArrayList<>(hosts.get("a"));
                    down.addAll(List.of("ip", "link", "set", "eth0", "down"));
                    ItCommands.runOk(Duration.ofSeconds(10), down.toArray(String[]::new));
                    Await.until(Duration.ofSeconds(60), "member b to take over and hold the service address",
                            () -> holdsServiceAddress("b"));
                    Await.until(Duration.ofSeconds(60), "member b to tell guest-a the server restarted",
                            () -> log("b").contains("NSM: told guest-a (10.214.0.11) that " + SERVICE + " restarted"));
                    Await.until(Duration.ofSeconds(60), "guest-a to reclaim its lock from member b",
                            () -> LinuxLockIT.RECLAIMED_BY_A.matcher(log("b")).find());
                }
                default -> {
                    if (w[0].equals("signal")) {
                        signalled.add(w[1]);
                    } else if (w[0].equals("wait")) {
                        Await.until(Duration.ofMinutes(3), "the other guest to signal " + w[1],
                                () -> signalled.contains(w[1]));
                    } else {
                        throw new IllegalArgumentException("unknown request " + request);
                    }
                }
            }
            return "ok";
        };
        List<LinuxGuest.Mount> mounts = List.of(new LinuxGuest.Mount("/share", "/mnt/a", ""));
        LinuxGuest.Network a = net.guest("guest-a", true, SERVICE);
        LinuxGuest.Network b = net.guest("guest-b", true, SERVICE);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var ra = pool.submit(() -> LinuxGuest.run(holder, 2049, 20048, mounts, a, Duration.ofMinutes(6), handler));
            var rb = pool.submit(() -> LinuxGuest.run(other, 2049, 20048, mounts, b, Duration.ofMinutes(6), handler));
            LinuxGuest.Result resA = ra.get();
            LinuxGuest.Result resB = rb.get();
            String text = "guest-a:\n" + resA.consoleText() + "\nguest-b:\n" + resB.consoleText() + "\nmember b:\n"
                    + log("b");
            assertEquals(Map.of("refused_after_failover", "PASS"), resB.checks(), text);
            assertTrue(log("b").contains("took locks before this start"), text);
        } finally {
            pool.shutdownNow();
        }
    }
}
