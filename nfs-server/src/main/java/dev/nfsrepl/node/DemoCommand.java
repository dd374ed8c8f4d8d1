package dev.nfsrepl.node;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import dev.nfsrepl.node.admin.AdminToken;
import dev.nfsrepl.node.admin.SecretFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nfsrepl demo}: a primary and K backups on loopback, each node its own process, with data
 * under {@code DIR/primary}, {@code DIR/backup-1}, … (each with {@code export/}, {@code state/},
 * {@code journal/} and the node's {@code node.log}). Node k's NFS port is {@code base + 10k}, its
 * MOUNT port the next one, its replication port the one after, its admin API's port the one after
 * that. Every node takes the admin token in {@code DIR/admin.token}. Writes {@code DIR/demo.env}
 * (grammar below; mode 0600, as it holds the token) and runs until stopped (SIGTERM or Ctrl-C stops
 * every node).
 * <pre>
 *   demo.env := line*            ; shell syntax: NAME='value' (single quotes, ' written as '\'')
 *   EXPORT_PATH                  ; the path clients mount, the same on every node
 *   NODE_COUNT                   ; 1 + K
 *   NODEk_NAME NODEk_ROLE NODEk_NFS_PORT NODEk_MOUNT_PORT NODEk_REPLICATION_PORT
 *   NODEk_DIR                    ; the exported directory (what clients see)
 *   NODEk_ADMIN_URL              ; http://127.0.0.1:PORT, the node's admin API
 *   NODEk_LOG NODEk_PID
 *   NODEk_CMD                    ; the command that starts node k again
 *   NFSREPL_NODE NFSREPL_TOKEN   ; the primary's admin API and the token (what the console reads),
 *                                ; then the line: export NFSREPL_NODE NFSREPL_TOKEN
 * </pre>
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a primary and backups on loopback, each node its own process; writes DIR/demo.env.")
final class DemoCommand implements Callable<Integer> {

    static final String EXPORT_PATH = "/export";

    @Option(names = "--dir", defaultValue = "demo", description = "Where the nodes keep their data (default: ./${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--base-port", defaultValue = "2049",
            description = "The primary's NFS port; its MOUNT port is the next, later nodes follow in steps of 10 "
                    + "(default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--backups", defaultValue = "1", description = "How many backups (default: ${DEFAULT-VALUE}).")
    int backups;

    @Option(names = "--replication-mode", defaultValue = "async", description = "async or sync (default: ${DEFAULT-VALUE}).")
    String mode;

    private record Node(String name, String role, int nfsPort, Path home, List<String> command) {
        int mountPort() {
            return nfsPort + 1;
        }

        int replicationPort() {
            return nfsPort + 2;
        }

        String adminUrl() {
            return "http://127.0.0.1:" + (nfsPort + 3);
        }

        Path log() {
            return home.resolve("node.log");
        }
    }

    @Override
    public Integer call() throws Exception {
        Path root = dir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        Path key = syncKey(root);
        Path tokenFile = root.resolve("admin.token");
        String token = AdminToken.loadOrCreate(tokenFile).value();
        List<Node> nodes = new ArrayList<>();
        for (int k = 0; k <= backups; k++) {
            String name = k == 0 ? "primary" : "backup-" + k;
            int port = basePort + 10 * k;
            Path home = root.resolve(name);
            Files.createDirectories(home.resolve("export"));
            List<String> args = new ArrayList<>(List.of("--name", name, "--export", home.resolve("export").toString(),
                    "--export-as", EXPORT_PATH, "--state-dir", home.resolve("state").toString(), "--journal",
                    home.resolve("journal").toString(), "--nfs-port", Integer.toString(port), "--mount-port",
                    Integer.toString(port + 1), "--no-portmap", "--sync-key-file", key.toString(), "--admin-port",
                    Integer.toString(port + 3), "--admin-token-file", tokenFile.toString()));
            if (k == 0) {
                args.addAll(List.of("--replication-mode", mode));
                for (int b = 1; b <= backups; b++) {
                    args.addAll(List.of("--peer", "backup-" + b + "=127.0.0.1:" + (basePort + 10 * b + 2)));
                }
            } else {
                args.addAll(List.of("--role", "backup", "--replication-port", Integer.toString(port + 2)));
            }
            nodes.add(new Node(name, k == 0 ? "primary" : "backup", port, home, command(args)));
        }
        List<Process> running = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(running), "nfsrepl-demo-stop"));
        for (int i = nodes.size() - 1; i >= 0; i--) { // backups first: the primary finds them listening
            Node n = nodes.get(i);
            Files.writeString(n.log(), "");
            Process p = new ProcessBuilder(n.command()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(n.log().toFile())).start();
            running.add(p);
            awaitLine(n, p, i == 0 ? "mount with:" : "listening for its primary");
        }
        Path env = root.resolve("demo.env");
        SecretFiles.write(env, env(nodes, running, token)); // it holds the token
        Node primary = nodes.get(0);
        System.out.println("nfsrepl demo: primary and " + backups + " backup(s) running; data under " + root);
        System.out.println("  mount with: mount -t nfs -o vers=3,proto=tcp,port=" + primary.nfsPort() + ",mountport="
                + primary.mountPort() + ",mountproto=tcp,nolock 127.0.0.1:" + EXPORT_PATH + " /mnt");
        System.out.println("  admin API: " + primary.adminUrl() + "/api/v1/status (token in " + tokenFile + ")");
        System.out.println("  nodes and ports: " + env + "; logs: DIR/<node>/node.log; Ctrl-C stops every node");
        for (Process p : running) {
            p.waitFor();
        }
        return 0;
    }

    /** The cluster's shared secret, made once (random, readable by its owner only). */
    private static Path syncKey(Path root) throws IOException {
        Path key = root.resolve("sync.key");
        SecretFiles.createRandom(key, 32);
        return key;
    }

    /** This JVM's java, flags and class path running {@code nfsrepl serve ARGS}. */
    private static List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve"));
        cmd.addAll(args);
        return cmd;
    }

    private static void awaitLine(Node n, Process p, String marker) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!Files.readString(n.log()).contains(marker)) {
            if (!p.isAlive()) {
                throw new IOException("node " + n.name() + " exited with status " + p.exitValue() + "; see " + n.log());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("node " + n.name() + " did not start within 90 s; see " + n.log());
            }
            Thread.sleep(50);
        }
    }

    private static String env(List<Node> nodes, List<Process> started, String token) {
        StringBuilder sb = new StringBuilder("# written by nfsrepl demo\n");
        line(sb, "EXPORT_PATH", EXPORT_PATH);
        line(sb, "NODE_COUNT", Integer.toString(nodes.size()));
        for (int k = 0; k < nodes.size(); k++) {
            Node n = nodes.get(k);
            String p = "NODE" + k + "_";
            line(sb, p + "NAME", n.name());
            line(sb, p + "ROLE", n.role());
            line(sb, p + "NFS_PORT", Integer.toString(n.nfsPort()));
            line(sb, p + "MOUNT_PORT", Integer.toString(n.mountPort()));
            line(sb, p + "REPLICATION_PORT", Integer.toString(n.replicationPort()));
            line(sb, p + "DIR", n.home().resolve("export").toString());
            line(sb, p + "ADMIN_URL", n.adminUrl());
            line(sb, p + "LOG", n.log().toString());
            line(sb, p + "PID", Long.toString(started.get(nodes.size() - 1 - k).pid()));
            line(sb, p + "CMD", String.join(" ", n.command().stream().map(DemoCommand::quote).toList()));
        }
        line(sb, "NFSREPL_NODE", nodes.get(0).adminUrl());
        line(sb, "NFSREPL_TOKEN", token);
        sb.append("export NFSREPL_NODE NFSREPL_TOKEN\n"); // for the console, a program '. demo.env' does not run itself
        return sb.toString();
    }

    private static void line(StringBuilder sb, String name, String value) {
        sb.append(name).append('=').append(quote(value)).append('\n');
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static void stopAll(List<Process> running) {
        for (Process p : running) {
            p.destroy();
        }
        for (Process p : running) {
            try {
                if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
