package dev.nfsrepl.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An nfsrepl node running as a child JVM ({@code dev.nfsrepl.node.Main serve}), so that it can be
 * killed like a crashed process (SIGKILL) and its memory measured on its own.
 *
 * <p>The child gets the test JVM's class path (which holds the server's classes and their
 * dependencies) and the JVM flags of the repository's {@code jvm.options} (found by walking up
 * from the working directory; {@code -Dnfsrepl.it.serverJvmFlags="..."} overrides them). Its
 * stdout and stderr go to {@code log}. It is ready when it prints its "mount with:" line, which
 * also carries the ports it bound.
 */
final class ServerProcess implements AutoCloseable {

    static final Pattern READY = Pattern.compile("mount with: .*port=(\\d+),mountport=(\\d+)");
    private static final long START_TIMEOUT_MS = 90_000;

    /** The line saying where the admin API listens (printed before the ready line). */
    static final Pattern ADMIN = Pattern.compile("admin API on (http://\\S+) \\(token in (.+)\\)$");

    private final Process process;
    private final Path log;
    private final int nfsPort;
    private final int mountPort;
    private final String[] admin;

    private ServerProcess(Process process, Path log, int nfsPort, int mountPort, String[] admin) {
        this.process = process;
        this.log = log;
        this.nfsPort = nfsPort;
        this.mountPort = mountPort;
        this.admin = admin;
    }

    /** The node's admin API (URL and token), as it printed them. */
    AdminClient admin() throws IOException {
        if (admin[0] == null) {
            throw new IllegalStateException("the node printed no admin API line; its log " + log + ":\n" + tail(log));
        }
        return new AdminClient(admin[0], Files.readAllLines(Path.of(admin[1])).get(0).strip());
    }

    /**
     * Starts {@code nfsrepl serve --export export --state-dir stateDir} on the given ports (0: free
     * ones) and waits until it serves.
     */
    static ServerProcess start(Path export, Path stateDir, int nfsPort, int mountPort, Path log, String... extra)
            throws IOException, InterruptedException {
        return start(List.of(), System.getProperty("java.class.path"), export, stateDir, nfsPort, mountPort, log,
                extra);
    }

    /**
     * As {@link #start(Path, Path, int, int, Path, String...)}, with the java command run through
     * {@code prefix} (e.g. setpriv, to run as another user) and the given class path.
     */
    static ServerProcess start(List<String> prefix, String classPath, Path export, Path stateDir, int nfsPort,
                               int mountPort, Path log, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags());
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add("dev.nfsrepl.node.Main");
        cmd.add("serve");
        cmd.add("--export");
        cmd.add(export.toString());
        cmd.add("--state-dir");
        cmd.add(stateDir.toString());
        cmd.add("--nfs-port");
        cmd.add(Integer.toString(nfsPort));
        cmd.add("--mount-port");
        cmd.add(Integer.toString(mountPort));
        if (!List.of(extra).contains("--portmap")) {
            cmd.add("--no-portmap");
        }
        cmd.addAll(List.of(extra));
        return launch(cmd, log, READY);
    }

    /** A backup node is up once it listens for its primary (it serves NFS once it has a copy). */
    static final Pattern BACKUP_READY = Pattern.compile("listening for its primary on .*:(\\d+)()");
    /** A member of a cluster with failover started (its ports are the test's: none read from the line). */
    static final Pattern MEMBER_READY = Pattern.compile("nfsrepl: cluster member ()()");

    /** Starts {@code nfsrepl serve ARGS} (with --no-portmap) and waits until it prints a line matching {@code ready}. */
    static ServerProcess startNode(List<String> args, Path log, Pattern ready) throws IOException, InterruptedException {
        return startNode(List.of(), args, log, ready);
    }

    /** As {@link #startNode(List, Path, Pattern)}, with the java command run through {@code prefix}. */
    static ServerProcess startNode(List<String> prefix, List<String> args, Path log, Pattern ready)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.nfsrepl.node.Main");
        cmd.add("serve");
        if (!args.contains("--portmap")) {
            cmd.add("--no-portmap");
        }
        cmd.addAll(args);
        return launch(cmd, log, ready);
    }

    /**
     * Runs {@code cmd} (with {@code --admin-port 0} unless it names an admin port); ready once a line
     * matches {@code ready}, whose groups 1 and 2 are ports (empty: 0).
     */
    private static ServerProcess launch(List<String> cmd, Path log, Pattern ready) throws IOException, InterruptedException {
        if (!cmd.contains("--admin-port")) {
            cmd.addAll(List.of("--admin-port", "0"));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        CompletableFuture<int[]> started = new CompletableFuture<>();
        String[] admin = new String[2];
        Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        w.write("==== " + String.join(" ", cmd) + "\n");
        Thread drain = new Thread(() -> {
            try (w; BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    w.write(line);
                    w.write('\n');
                    w.flush();
                    Matcher a = ADMIN.matcher(line);
                    if (a.find()) {
                        admin[0] = a.group(1);
                        admin[1] = a.group(2);
                    }
                    Matcher m = ready.matcher(line);
                    if (!started.isDone() && m.find()) {
                        started.complete(new int[] {port(m.group(1)), port(m.group(2))});
                    }
                }
            } catch (IOException e) {
                // the process is gone
            } finally {
                started.completeExceptionally(new IOException("server process ended before serving"));
            }
        }, "server-process-log");
        drain.setDaemon(true);
        drain.start();
        try {
            int[] ports = started.get(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return new ServerProcess(p, log, ports[0], ports[1], admin);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new IOException("nfsrepl server process did not start (" + e.getMessage() + "); its log "
                    + log + ":\n" + tail(log), e);
        }
    }

    private static int port(String digits) {
        return digits == null || digits.isEmpty() ? 0 : Integer.parseInt(digits);
    }

    /** The flags of jvm.options, or the -Dnfsrepl.it.serverJvmFlags override. */
    static List<String> jvmFlags() throws IOException {
        String override = System.getProperty("nfsrepl.it.serverJvmFlags");
        if (override != null) {
            return override.isBlank() ? List.of() : List.of(override.trim().split("\\s+"));
        }
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path f = dir.resolve("jvm.options");
            if (Files.isRegularFile(f) && Files.exists(dir.resolve("nfsrepl"))) {
                List<String> flags = new ArrayList<>();
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    String t = line.strip();
                    if (!t.isEmpty() && !t.startsWith("#")) {
                        flags.add(t);
                    }
                }
                return flags;
            }
        }
        return List.of("-XX:+UseG1GC", "-Xss512k");
    }

    int nfsPort() {
        return nfsPort;
    }

    int mountPort() {
        return mountPort;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** VmRSS of the process in KiB, from /proc/PID/status. */
    long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid() + "/status");
    }

    /** SIGKILL: the process gets no chance to close its index or flush anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("server process " + pid() + " survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM, waiting for a clean stop. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Sends a signal (e.g. "HUP") to the server process. */
    void signal(String name) throws IOException, InterruptedException {
        ItCommands.runOk(java.time.Duration.ofSeconds(10), "kill", "-" + name, Long.toString(pid()));
    }

    /** Waits for the process to end by itself; its exit status. */
    int waitForExit(java.time.Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("server process " + pid() + " still running after " + timeout);
        }
        return process.exitValue();
    }

    /** The last lines of the log, for failure messages. */
    String logTail() {
        return tail(log);
    }

    /** The log's tail, whether the process is alive, and its threads (jcmd Thread.print): for failure messages. */
    String diagnosis() {
        StringBuilder sb = new StringBuilder(tail(log)).append("\n--- process ").append(pid())
                .append(process.isAlive() ? " alive" : " exited with " + process.exitValue());
        if (process.isAlive()) {
            try {
                sb.append("\n--- threads:\n").append(ItCommands.runOk(java.time.Duration.ofSeconds(20),
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid()),
                        "Thread.print"));
            } catch (IOException | InterruptedException | RuntimeException e) {
                sb.append("\n(no thread dump: ").append(e).append(')');
            }
        }
        return sb.toString();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
