package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.nfs.xdr.nfs3_prot;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./nfsrepl demo}, as a user runs it: a primary and a backup, each its own process, found
 * through {@code demo.env}; a change on the primary shows on the backup, which is read-only; a
 * killed node comes back with its {@code NODEk_CMD}; Ctrl-C (SIGTERM) stops every node.
 */
class DemoIT {

    @TempDir
    Path tmp;

    @Test
    void theDemoRunsAPrimaryAndABackupThatScriptsFindThroughDemoEnv() throws Exception {
        Path repo = repository();
        Path dir = tmp.resolve("demo");
        int base = freeBase();
        Process demo = new ProcessBuilder(repo.resolve("nfsrepl").toString(), "demo", "--dir", dir.toString(),
                "--base-port", Integer.toString(base)).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("demo.out").toFile()).start();
        try {
            Path envFile = dir.resolve("demo.env");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            // demo.env is written before the mount command is printed: wait for both
            while (!Files.exists(envFile) || !Files.readString(envFile).contains("NODE1_CMD")
                    || !Files.readString(tmp.resolve("demo.out")).contains("mount with:")) {
                assertTrue(demo.isAlive(), "the demo stopped: " + Files.readString(tmp.resolve("demo.out")));
                assertTrue(System.nanoTime() < deadline, "no demo.env and mount command within 120 s: "
                        + Files.readString(tmp.resolve("demo.out")));
                Thread.sleep(100);
            }
            assertTrue(Files.readString(tmp.resolve("demo.out")).contains("mount -t nfs -o vers=3,proto=tcp,port=" + base
                    + ",mountport=" + (base + 1)), Files.readString(tmp.resolve("demo.out")));
            Map<String, String> env = source(envFile);
            assertEquals("/export", env.get("EXPORT_PATH"));
            assertEquals(Integer.toString(base), env.get("NODE0_NFS_PORT"));
            assertEquals(Integer.toString(base + 10), env.get("NODE1_NFS_PORT"));
            assertEquals(dir.resolve("backup-1/export").toString(), env.get("NODE1_DIR"));
            int pNfs = Integer.parseInt(env.get("NODE0_NFS_PORT"));
            int pMount = Integer.parseInt(env.get("NODE0_MOUNT_PORT"));
            int bNfs = Integer.parseInt(env.get("NODE1_NFS_PORT"));
            int bMount = Integer.parseInt(env.get("NODE1_MOUNT_PORT"));

            try (ItRpcClient m = ItRpcClient.mount(pMount); ItRpcClient c = ItRpcClient.nfs(pNfs)) {
                byte[] root = m.mntOk("/export");
                byte[] f = c.createOk(root, "hello.txt", 0644);
                c.writeOk(f, 0, "replicated\n".getBytes(StandardCharsets.UTF_8));
            }
            Path onBackup = Path.of(env.get("NODE1_DIR")).resolve("hello.txt");
            awaitConverged(pNfs, pMount, bNfs, bMount);
            assertEquals("replicated\n", Files.readString(onBackup));
            // what demo.env gives a script (and the console): the primary's admin API and its token
            assertEquals(env.get("NODE0_ADMIN_URL"), env.get("NFSREPL_NODE"));
            assertEquals("http://127.0.0.1:" + (base + 13), env.get("NODE1_ADMIN_URL"));
            var status = new AdminClient(env.get("NFSREPL_NODE"), env.get("NFSREPL_TOKEN")).get("/api/v1/status");
            assertEquals("primary", status.get("role").asText(), status.toString());
            assertEquals("backup-1", status.get("exports").get(0).get("backups").get(0).get("name").asText());
            assertEquals("backup", new AdminClient(env.get("NODE1_ADMIN_URL"), env.get("NFSREPL_TOKEN"))
                    .get("/api/v1/status").get("role").asText());
            // as the README says: source it, run the console
            String console = ItCommands.runOk(Duration.ofMinutes(3), "bash", "-c", ". '" + envFile + "' && '"
                    + repository().resolve("nfsrepl-console") + "' status --json");
            assertTrue(console.contains("\"role\" : \"primary\""), console);
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(envFile)), "demo.env holds the admin token");
            try (ItRpcClient m = ItRpcClient.mount(bMount); ItRpcClient c = ItRpcClient.nfs(bNfs)) {
                assertEquals(nfs3_prot.NFS3ERR_ROFS, c.create(m.mntOk("/export"), "nope", 0644).status,
                        "the backup serves its copy read-only");
            }

            long backupPid = Long.parseLong(env.get("NODE1_PID"));
            ItCommands.runOk(Duration.ofSeconds(10), "kill", "-9", Long.toString(backupPid));
            ProcessHandle.of(backupPid).ifPresent(h -> h.onExit().join());
            try (ItRpcClient m = ItRpcClient.mount(pMount); ItRpcClient c = ItRpcClient.nfs(pNfs)) {
                c.mkdirOk(m.mntOk("/export"), "while-away", 0755);
            }
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", "eval \"$NODE1_CMD\"").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("again.out").toFile()));
            pb.environment().put("NODE1_CMD", env.get("NODE1_CMD"));
            Process restarted = pb.start();
            try {
                awaitConverged(pNfs, pMount, bNfs, bMount);
                assertTrue(Files.isDirectory(Path.of(env.get("NODE1_DIR")).resolve("while-away")));
            } finally {
                var node = restarted.descendants().toList(); // the node, not only the shell around it
                node.forEach(ProcessHandle::destroy);
                node.forEach(h -> h.onExit().join());
                restarted.destroy();
                restarted.waitFor(60, TimeUnit.SECONDS);
            }
        } finally {
            demo.destroy(); // SIGTERM: the demo stops its nodes
            assertTrue(demo.waitFor(90, TimeUnit.SECONDS), "the demo stops on SIGTERM");
        }
        long primaryPid = Long.parseLong(source(dir.resolve("demo.env")).get("NODE0_PID"));
        assertTrue(ProcessHandle.of(primaryPid).isEmpty() || !ProcessHandle.of(primaryPid).get().isAlive(),
                "the primary stopped with the demo");
    }

    private static void awaitConverged(int pNfs, int pMount, int bNfs, int bMount) throws Exception {
        String diff = NfsTreeDigest.awaitEqual(pNfs, pMount, bNfs, bMount, "/export", Duration.ofSeconds(60));
        if (diff != null) {
            throw new AssertionError("the backup did not converge within 60 s: " + diff);
        }
    }

    /** The variables of demo.env, as bash sees them after sourcing it. */
    private static Map<String, String> source(Path envFile) throws Exception {
        String out = ItCommands.runOk(Duration.ofSeconds(10), "bash", "-c",
                "set -a; . '" + envFile + "'; env -0 | grep -z -E '^(EXPORT_PATH|NODE|NFSREPL_)' | tr '\\0' '\\n'");
        Map<String, String> env = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    private static Path repository() {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("nfsrepl")) && Files.isRegularFile(d.resolve("jvm.options"))) {
                return d;
            }
        }
        throw new IllegalStateException("no nfsrepl launcher above " + System.getProperty("user.dir"));
    }

    /** A base port with its next 13 ports free. */
    private static int freeBase() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(30000, 45000);
            boolean free = true;
            for (int p = base; p < base + 13 && free; p++) {
                try (ServerSocket s = new ServerSocket(p)) {
                    s.getLocalPort();
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no free range of 13 ports found");
    }
}
