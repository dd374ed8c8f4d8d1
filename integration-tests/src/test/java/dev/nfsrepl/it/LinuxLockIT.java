package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File locking through the Linux kernel NFS client: guests mounted without {@code nolock}, with
 * rpcbind and rpc.statd running, on a network namespace of the test's own where the server (in
 * it too, with its portmapper on port 111) can call them back (GRANTED, SM_NOTIFY).
 */
class LinuxLockIT {

    private static final int NFS_PORT = 2049;
    private static final int MOUNT_PORT = 20048;
    private static final Duration GRACE = Duration.ofSeconds(15);
    /** The lock manager's debug line for a reclaim of guest-a. */
    static final java.util.regex.Pattern RECLAIMED_BY_A = java.util.regex.Pattern.compile("NLM: guest-a/\\S+ reclaims ");

    @TempDir
    Path tmp;

    private TestNetwork net;
    private ServerProcess server;
    private Path export;
    private Path state;
    private Path log;

    @BeforeEach
    void start() throws Exception {
        net = TestNetwork.create();
        export = Files.createDirectory(tmp.resolve("export"));
        state = tmp.resolve("state");
        log = tmp.resolve("server.log");
        server = startServer();
    }

    private ServerProcess startServer() throws Exception {
        // the lock manager's debug lines tell the test when a request waits
        List<String> prefix = new java.util.ArrayList<>(net.exec());
        prefix.addAll(List.of("env", "JAVA_TOOL_OPTIONS=-Dorg.slf4j.simpleLogger.log.dev.nfsrepl.nfs.NlmService=debug"));
        return ServerProcess.start(prefix, System.getProperty("java.class.path"), export, state, NFS_PORT,
                MOUNT_PORT, log, "--portmap", "--bind", TestNetwork.SERVER, "--export-clients", "10.214.0.0/24",
                "--lock-grace-seconds", Long.toString(GRACE.toSeconds()));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            net.close();
        }
    }

    @Test
    void theLockSuitePassesThroughTheLinuxClient() throws Exception {
        LinuxGuest.Result r = LinuxGuest.run("mkdir -p /mnt/a/locks && locksuite /mnt/a/locks", NFS_PORT, MOUNT_PORT,
                List.of(new LinuxGuest.Mount(export.toString(), "/mnt/a", "")), net.guest("guest-a", true),
                Duration.ofMinutes(5), null);
        Map<String, String> checks = r.checks();
        assertTrue(checks.size() >= 14, "every check of the suite ran:\n" + r.consoleText());
        checks.forEach((name, result) -> assertTrue(result.startsWith("PASS"),
                name + ": " + result + "\nconsole:\n" + r.consoleText() + "\nserver:\n" + server.logTail()));
        assertEquals(0, r.exitStatus(), r.consoleText());
    }

    /**
     * Two guests (two client hosts, each with its own lock manager and status monitor): a lock
     * one holds is refused to the other; the other's blocking request waits at the server and is
     * granted through the server's GRANTED callback as soon as the first lets go (without the
     * callback the Linux client would only find out on its next poll, 30 s later).
     */
    @Test
    void twoClientHostsExcludeEachOtherAndAWaiterIsCalledBack() throws Exception {
        Files.createDirectories(export.resolve("shared"));
        String holder = """
                mkfifo /tmp/release; exec 3<>/tmp/release
                locksuite hold /mnt/a/shared/db 0 0 <&3 > /tmp/held &
                until grep -q HELD /tmp/held; do sleep 0.1; done
                echo "@@HOST signal a-holds"; read -r _
                echo "@@HOST wait b-waits"; read -r _
                echo x >&3; wait
                echo "@@HOST signal a-released"; read -r _
                echo "@@HOST wait b-done"; read -r _
                locksuite try /mnt/a/shared/db 0 0; echo "@@CHECK free_again_after_b $([ $? = 0 ] && echo PASS || echo FAIL)"
                """;
        String waiter = """
                echo "@@HOST wait a-holds"; read -r _
                locksuite try /mnt/a/shared/db 0 0; rc=$?
                echo "@@CHECK refused_while_other_host_holds $([ $rc = 1 ] && echo PASS || echo FAIL rc=$rc)"
                locksuite try /mnt/a/shared/db 100 1; rc=$?
                echo "@@CHECK whole_file_lock_covers_every_byte $([ $rc = 1 ] && echo PASS || echo FAIL rc=$rc)"
                locksuite wait /mnt/a/shared/db 0 0 > /tmp/waited; rc=$?
                echo "@@WAITED_MS $(cat /tmp/waited)"
                echo "@@CHECK blocked_lock_granted $([ $rc = 0 ] && echo PASS || echo FAIL rc=$rc)"
                echo "@@HOST signal b-done"; read -r _
                """;
        Rendezvous meet = new Rendezvous();
        long[] releasedAt = new long[1];
        long[] grantedAt = new long[1];
        Two r = runTwo(holder, request -> {
            if (request.equals("wait b-waits")) {
                // b's LOCK has reached the server and been told to wait
                Await.until(Duration.ofMinutes(2), "guest-b's lock request waits at the server",
                        () -> Files.readString(log).contains("for guest-b/"));
                return "ok";
            }
            if (request.equals("signal a-released")) {
                releasedAt[0] = System.nanoTime();
            }
            return meet.answer(request);
        }, waiter, request -> {
            if (request.equals("signal b-done")) {
                grantedAt[0] = System.nanoTime();
            }
            return meet.answer(request);
        });
        Map<String, String> checks = new java.util.LinkedHashMap<>(r.b().checks());
        checks.putAll(r.a().checks());
        assertEquals(List.of("refused_while_other_host_holds", "whole_file_lock_covers_every_byte",
                "blocked_lock_granted", "free_again_after_b"), List.copyOf(checks.keySet()), r.text());
        checks.forEach((name, result) -> assertTrue(result.startsWith("PASS"), name + ": " + result + "\n" + r.text()));
        long waitedAfterRelease = (grantedAt[0] - releasedAt[0]) / 1_000_000;
        System.out.println("guest-b's blocked lock was granted " + waitedAfterRelease
                + " ms (host clock, console round trips included) after guest-a released it");
        assertTrue(waitedAfterRelease < 15_000, "granted by the callback, not by the client's 30 s poll: "
                + waitedAfterRelease + " ms\n" + r.text());
    }

    private List<LinuxGuest.Mount> mounts() {
        return List.of(new LinuxGuest.Mount(export.toString(), "/mnt/a", ""));
    }

    /** What two guests printed, run side by side, and the server's log, for failure messages. */
    private record Two(LinuxGuest.Result a, LinuxGuest.Result b, String text) {
    }

    /** Boots guest-a and guest-b at once, each running its script with its handler, and waits for both. */
    private Two runTwo(String scriptA, LinuxGuest.HostHandler handlerA, String scriptB,
                       LinuxGuest.HostHandler handlerB) throws Exception {
        LinuxGuest.Network a = net.guest("guest-a", true);
        LinuxGuest.Network b = net.guest("guest-b", true);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var ra = pool.submit(() -> LinuxGuest.run(scriptA, NFS_PORT, MOUNT_PORT, mounts(), a, Duration.ofMinutes(5),
                    handlerA));
            var rb = pool.submit(() -> LinuxGuest.run(scriptB, NFS_PORT, MOUNT_PORT, mounts(), b, Duration.ofMinutes(5),
                    handlerB));
            LinuxGuest.Result resA = ra.get();
            LinuxGuest.Result resB = rb.get();
            return new Two(resA, resB, "guest-a:\n" + resA.consoleText() + "\nguest-b:\n" + resB.consoleText()
                    + "\nserver:\n" + Files.readString(log));
        } finally {
            pool.shutdownNow();
        }
    }

    /** "signal NAME" and "wait NAME" requests of guest scripts: a wait returns once its name was signalled. */
    private static final class Rendezvous {
        private final java.util.Set<String> signalled = java.util.concurrent.ConcurrentHashMap.newKeySet();

        String answer(String request) throws Exception {
            String[] w = request.split(" ", 2);
            switch (w[0]) {
                case "signal" -> signalled.add(w[1]);
                case "wait" -> Await.until(Duration.ofMinutes(3), "the other guest to signal " + w[1],
                        () -> signalled.contains(w[1]));
                default -> throw new IllegalArgumentException("unknown request " + request);
            }
            return "ok";
        }
    }

    /**
     * The server is killed (SIGKILL) and started again while guest-a holds a lock: it tells
     * guest-a's status monitor it restarted, guest-a's kernel reclaims the lock within the grace
     * period, and guest-b, which asks during the grace period, is kept waiting until it ends and
     * then refused (had the lock not been reclaimed, the fresh server would have granted it).
     */
    @Test
    void aLockHeldAcrossAServerRestartIsReclaimedInTheGracePeriod() throws Exception {
        Files.createDirectories(export.resolve("shared"));
        String holder = """
                mkfifo /tmp/release; exec 3<>/tmp/release
                locksuite hold /mnt/a/shared/db 0 0 <&3 > /tmp/held &
                until grep -q HELD /tmp/held; do sleep 0.1; done
                echo "@@HOST restart"; read -r _
                echo "@@HOST wait a-reclaimed"; read -r _
                echo "@@HOST wait b-done"; read -r _
                echo x >&3; wait
                """;
        String other = """
                echo "@@HOST wait a-reclaimed"; read -r _
                start=$(cut -d. -f1 /proc/uptime)
                locksuite try /mnt/a/shared/db 0 0; rc=$?
                echo "@@TRY_SECONDS $(( $(cut -d. -f1 /proc/uptime) - start ))"
                echo "@@CHECK refused_the_reclaimed_lock $([ $rc = 1 ] && echo PASS || echo FAIL rc=$rc)"
                echo "@@HOST signal b-done"; read -r _
                """;
        Rendezvous meet = new Rendezvous();
        Two r = runTwo(holder, request -> {
            switch (request) {
                case "restart" -> {
                    server.kill();
                    server = startServer();
                    return "ok";
                }
                case "wait a-reclaimed" -> {
                    Await.until(Duration.ofMinutes(1), "guest-a to reclaim its lock",
                            () -> RECLAIMED_BY_A.matcher(lastStart()).find());
                    meet.answer("signal a-reclaimed");
                    return "ok";
                }
                default -> {
                    return meet.answer(request);
                }
            }
        }, other, meet::answer);
        assertEquals("PASS", r.b().checks().get("refused_the_reclaimed_lock"), r.text());
        String start = lastStart();
        assertTrue(start.contains("NSM: told guest-a (10.214.0.11) that 10.214.0.1 restarted"), r.text());
        assertTrue(start.contains("only their reclaims are accepted"), r.text());
        System.out.println("guest-b's lock request during the grace period returned after "
                + r.b().console().stream().filter(l -> l.startsWith("@@TRY_SECONDS")).findFirst().orElse("?"));
    }

    /**
     * guest-a takes a lock and then "reboots" as far as the server can tell: its sm-notify tells the
     * server's status monitor that guest-a restarted, and the server frees what guest-a held, so
     * guest-b gets the lock.
     */
    @Test
    void aClientThatRestartedHasItsLocksFreed() throws Exception {
        Files.createDirectories(export.resolve("shared"));
        String vanishing = """
                mkfifo /tmp/release; exec 3<>/tmp/release
                locksuite hold /mnt/a/shared/db 0 0 <&3 > /tmp/held &
                until grep -q HELD /tmp/held; do sleep 0.1; done
                echo "@@HOST signal a-holds"; read -r _
                echo "@@HOST wait b-refused"; read -r _
                # what a reboot does once the network is up: tell every server it held locks on
                sm-notify -f -d 2>&1 | head -20
                echo "@@HOST signal a-restarted"; read -r _
                echo "@@HOST wait b-done"; read -r _
                """;
        String other = """
                echo "@@HOST wait a-holds"; read -r _
                locksuite try /mnt/a/shared/db 0 0; rc=$?
                echo "@@CHECK refused_while_a_holds $([ $rc = 1 ] && echo PASS || echo FAIL rc=$rc)"
                echo "@@HOST signal b-refused"; read -r _
                echo "@@HOST wait a-restarted"; read -r _
                locksuite try /mnt/a/shared/db 0 0; rc=$?
                echo "@@CHECK granted_once_a_restarted $([ $rc = 0 ] && echo PASS || echo FAIL rc=$rc)"
                echo "@@HOST signal b-done"; read -r _
                """;
        Rendezvous meet = new Rendezvous();
        Two r = runTwo(vanishing, request -> {
            if (request.equals("signal a-restarted")) {
                Await.until(Duration.ofMinutes(1), "the server to hear that guest-a restarted",
                        () -> Files.readString(log).contains("guest-a (10.214.0.11) restarted"));
            }
            return meet.answer(request);
        }, other, meet::answer);
        assertEquals(Map.of("refused_while_a_holds", "PASS", "granted_once_a_restarted", "PASS"), r.b().checks(),
                r.text());
    }

    /** The server log since its last start. */
    private String lastStart() throws java.io.IOException {
        String all = Files.readString(log);
        return all.substring(Math.max(0, all.lastIndexOf("==== ")));
    }
}
