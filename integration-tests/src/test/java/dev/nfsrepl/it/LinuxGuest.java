package dev.nfsrepl.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux guest with the kernel's NFS client, booted under qemu (TCG: this machine's KVM cannot
 * boot a stock kernel) with user-mode networking, in which the guest reaches the host's loopback
 * at 10.0.2.2. The guest mounts the given exports with {@code mount -t nfs -o vers=3,...}, runs a
 * shell script and powers off; its console comes back to the test line by line.
 *
 * <p>The image (Debian's kernel, busybox, the NFS modules, GNU cp, {@code nfscheck}) is built once
 * per JVM by {@code src/test/guest/build-image.sh}; Debian packages it needs are installed when
 * missing. The script may ask the host for something by printing {@code @@HOST request}; the
 * handler's answer is sent back as one line on the console.
 */
final class LinuxGuest {

    /** An export to mount: server path, guest mount point, extra mount options. */
    record Mount(String path, String mountPoint, String options) {
    }

    /** What the guest printed and how its script ended. */
    record Result(int exitStatus, List<String> console) {
        /** The "@@CHECK name PASS|FAIL detail" lines of a check suite, by name. */
        Map<String, String> checks() {
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : console) {
                Matcher x = CHECK.matcher(line);
                if (x.find()) {
                    m.put(x.group(1), x.group(2));
                }
            }
            return m;
        }

        String consoleText() {
            return String.join("\n", console);
        }
    }

    /**
     * The guest on a TAP device {@code tap} of a test-made network namespace {@code netns}, at
     * {@code address} (CIDR) with host name {@code name}, mounting from {@code server}; with
     * {@code locking}, rpcbind and rpc.statd run in the guest and the exports are mounted without
     * {@code nolock}.
     */
    record Network(String netns, String tap, String address, String server, String name, boolean locking) {
        String mac() {
            // one per address on the namespace's bridge
            String[] ip = address.substring(0, address.indexOf('/')).split("\\.");
            return String.format("52:54:00:%02x:%02x:%02x", Integer.parseInt(ip[1]), Integer.parseInt(ip[2]),
                    Integer.parseInt(ip[3]));
        }
    }

    interface HostHandler {
        /** Answers a request of the guest script (one line, no newline). */
        String answer(String request) throws Exception;
    }

    private static final Pattern CHECK = Pattern.compile("@@CHECK (\\S+) (PASS.*|FAIL.*)");
    private static final Pattern EXIT = Pattern.compile("@@EXIT (\\d+)");
    private static final Path GUEST_SRC = Path.of("src/test/guest");
    private static final Path IMAGE_DIR = Path.of("target/guest-image");
    private static final List<String> PACKAGES =
            List.of("qemu-system-x86", "linux-image-amd64", "busybox-static", "cpio", "gcc", "libc6-dev", "kmod");

    private static Path image;

    private LinuxGuest() {
    }

    /** Installs what the guest needs if it is missing, and builds the image once. */
    static synchronized Path image() throws IOException, InterruptedException {
        if (image != null) {
            return image;
        }
        if (!toolsPresent()) {
            ItCommands.Result upd = ItCommands.run(Duration.ofMinutes(5), "apt-get", "update", "-q");
            ItCommands.Result inst = ItCommands.run(Duration.ofMinutes(15), withEnv(List.of("apt-get", "install",
                    "-y", "-q", "--no-install-recommends")));
            if (!toolsPresent()) {
                throw new IllegalStateException("the Linux test guest needs the Debian packages " + PACKAGES
                        + " (as root: apt-get install " + String.join(" ", PACKAGES) + "); installing them failed:\n"
                        + upd.output() + "\n" + inst.output());
            }
        }
        Files.createDirectories(IMAGE_DIR);
        ItCommands.runOk(Duration.ofMinutes(5), "bash", GUEST_SRC.resolve("build-image.sh").toString(),
                IMAGE_DIR.toString());
        image = IMAGE_DIR;
        return image;
    }

    private static String[] withEnv(List<String> cmd) {
        List<String> all = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive"));
        all.addAll(cmd);
        all.addAll(PACKAGES);
        return all.toArray(String[]::new);
    }

    private static boolean toolsPresent() throws IOException {
        boolean kernel;
        try (var s = Files.list(Path.of("/boot"))) {
            kernel = s.anyMatch(p -> p.getFileName().toString().startsWith("vmlinuz-"));
        }
        return kernel && Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64"))
                && Files.isExecutable(Path.of("/usr/bin/busybox")) && Files.isExecutable(Path.of("/usr/bin/cpio"))
                && Files.isExecutable(Path.of("/usr/bin/gcc"))
                && Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libc.a"));
    }

    /**
     * Boots the guest, mounts {@code mounts} from the server on the host's {@code nfsPort} and
     * {@code mountPort}, runs {@code script} (busybox sh; {@code nfscheck} and {@code gnucp} are on
     * the path) and returns when it powers off. Fails with the console when it takes longer than
     * {@code timeout}.
     */
    static Result run(String script, int nfsPort, int mountPort, List<Mount> mounts, Duration timeout,
                      HostHandler handler) throws Exception {
        return run(script, nfsPort, mountPort, mounts, null, timeout, handler);
    }

    /** As {@link #run(String, int, int, List, Duration, HostHandler)}, on {@code net} (null: user-mode networking). */
    static Result run(String script, int nfsPort, int mountPort, List<Mount> mounts, Network net, Duration timeout,
                      HostHandler handler) throws Exception {
        Path img = image();
        Path work = Files.createTempDirectory("nfsrepl-guest");
        try {
            StringBuilder exports = new StringBuilder();
            for (Mount m : mounts) {
                exports.append(exports.length() == 0 ? "" : " ").append(m.path()).append(':').append(m.mountPoint())
                        .append(':').append(net != null && net.locking() ? "hard" : "hard,nolock")
                        .append(m.options().isEmpty() ? "" : "," + m.options());
            }
            String netEnv = net == null ? "" : "GUEST_ADDR=" + net.address() + "\nSERVER_ADDR=" + net.server()
                    + "\nGUEST_NAME=" + net.name() + "\nLOCKING=" + (net.locking() ? 1 : 0) + "\n";
            Path run = Files.createDirectory(work.resolve("run"));
            Files.writeString(run.resolve("run.env"), "NFS_PORT=" + nfsPort + "\nMOUNT_PORT=" + mountPort
                    + "\nEXPORTS=\"" + exports + "\"\n" + netEnv);
            Files.writeString(run.resolve("test.sh"), script);
            ItCommands.runOk(Duration.ofSeconds(30), "bash", "-c",
                    "cd " + run + " && printf 'run.env\\ntest.sh\\n' | cpio -o -H newc --quiet > ../run.cpio && cat "
                            + img.toAbsolutePath().resolve("base.cpio") + " ../run.cpio > ../initrd.cpio");
            return boot(img.toAbsolutePath().resolve("vmlinuz"), work.resolve("initrd.cpio"), net, timeout, handler);
        } finally {
            ItCommands.run(Duration.ofSeconds(30), "rm", "-rf", work.toString());
        }
    }

    private static Result boot(Path kernel, Path initrd, Network net, Duration timeout, HostHandler handler)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        if (net != null) {
            cmd.addAll(List.of("ip", "netns", "exec", net.netns()));
        }
        cmd.addAll(List.of("qemu-system-x86_64", "-accel", "tcg,thread=multi", "-cpu", "max",
                "-smp", "2", "-m", "1024", "-kernel", kernel.toString(), "-initrd", initrd.toString(),
                "-append", "console=ttyS0 quiet panic=-1", "-display", "none", "-serial", "stdio",
                "-monitor", "none", "-no-reboot"));
        if (net == null) {
            cmd.addAll(List.of("-netdev", "user,id=n0", "-device", "e1000,netdev=n0"));
        } else {
            cmd.addAll(List.of("-netdev", "tap,id=n0,ifname=" + net.tap() + ",script=no,downscript=no",
                    "-device", "e1000,netdev=n0,mac=" + net.mac()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process qemu = pb.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        String eof = new String("<eof>");
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(qemu.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line.replace("\r", ""));
                }
            } catch (IOException e) {
                lines.add("<console read failed: " + e + ">");
            } finally {
                lines.add(eof);
            }
        }, "guest-console");
        reader.setDaemon(true);
        reader.start();
        List<String> console = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        Integer status = null;
        try (OutputStream toGuest = qemu.getOutputStream()) {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("the Linux guest did not finish within " + timeout + "; console:\n"
                            + String.join("\n", console));
                }
                if (line == eof) {
                    break;
                }
                console.add(line);
                Matcher exit = EXIT.matcher(line);
                if (exit.find() && status == null) {
                    status = Integer.parseInt(exit.group(1));
                }
                int host = line.indexOf("@@HOST ");
                if (host >= 0 && handler != null) {
                    String request = line.substring(host + 7).trim();
                    String answer;
                    try {
                        answer = handler.answer(request);
                    } catch (Exception | AssertionError e) {
                        throw new AssertionError("the host could not answer the guest's request '" + request + "': "
                                + e.getMessage() + "; console:\n" + String.join("\n", console), e);
                    }
                    toGuest.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
                    toGuest.flush();
                }
            }
        } finally {
            if (!qemu.waitFor(30, TimeUnit.SECONDS)) {
                qemu.destroyForcibly();
                qemu.waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (status == null) {
            throw new AssertionError("the Linux guest stopped without reporting an exit status; console:\n"
                    + String.join("\n", console));
        }
        return new Result(status, console);
    }
}
