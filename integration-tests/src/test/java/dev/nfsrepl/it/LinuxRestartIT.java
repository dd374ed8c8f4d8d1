package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Linux kernel NFS client keeps a hard mount while the server (a process of its own) is
 * restarted, cleanly or by SIGKILL: no ESTALE, a running dd completes with the right data, and
 * fsync'd data survives.
 */
class LinuxRestartIT {

    @TempDir
    Path tmp;

    private ServerProcess server;

    @Test
    void theClientRidesThroughRestartsAndKills() throws Exception {
        Path export = Files.createDirectory(tmp.resolve("export"));
        Path state = tmp.resolve("state");
        Path log = tmp.resolve("server.log");
        server = ServerProcess.start(export, state, 0, 0, log);
        int nfsPort = server.nfsPort();
        int mountPort = server.mountPort();
        try {
            LinuxGuest.Result r = LinuxGuest.run(Files.readString(Path.of("src/test/guest/restart.sh")), nfsPort,
                    mountPort, List.of(new LinuxGuest.Mount(export.toString(), "/mnt/a", "")),
                    Duration.ofMinutes(10), request -> {
                        switch (request) {
                            case "restart" -> server.stop();
                            case "kill-restart" -> server.kill();
                            default -> throw new IllegalArgumentException("unknown request " + request);
                        }
                        server = ServerProcess.start(export, state, nfsPort, mountPort, log);
                        return "ok";
                    });
            Map<String, String> checks = r.checks();
            assertEquals(List.of("handles_survive_restart", "dd_survives_sigkill", "fsynced_data_survives_sigkill"),
                    List.copyOf(checks.keySet()), r.consoleText());
            checks.forEach((name, result) -> assertTrue(result.startsWith("PASS"),
                    name + ": " + result + "\nconsole:\n" + r.consoleText() + "\nserver:\n" + server.logTail()));
            long killedAt = r.console().stream().filter(l -> l.startsWith("@@KILLED_AT "))
                    .mapToLong(l -> Long.parseLong(l.substring(12).trim())).findFirst().orElse(-1);
            assertTrue(killedAt >= 16 << 20, "killed only after dd got going (at " + killedAt + " bytes)");
            assertTrue(r.console().contains("@@DD_RUNNING_AT_KILL yes"),
                    "the server must be killed while dd runs (writing or in its final fsync):\n" + r.consoleText());
            assertEquals(4, Files.readAllLines(log).stream().filter(l -> l.contains("serving NFSv3")).count(),
                    "the server was started, restarted once and killed twice");
            assertEquals(2, r.console().stream().filter(l -> l.startsWith("@@SUM ")).count(), r.consoleText());
            for (String line : r.console()) {
                if (line.startsWith("@@SUM ")) {
                    String[] f = line.split("\\s+");
                    assertEquals(f[2], md5(export.resolve(f[1])), "content of " + f[1] + " on the server's disk");
                }
            }
            assertTrue(r.console().stream().noneMatch(l -> l.contains("Stale file handle")), r.consoleText());
        } finally {
            server.close();
        }
    }

    private static String md5(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(p)));
    }
}
