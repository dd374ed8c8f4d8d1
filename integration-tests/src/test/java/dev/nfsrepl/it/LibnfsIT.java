package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server against libnfs's command-line tools (Debian package libnfs-utils): a 1 GiB copy
 * in and out with {@code nfs-cp}, and {@code nfs-ls} of a directory of 100,000 entries made
 * directly on disk.
 */
@Timeout(value = 40, unit = TimeUnit.MINUTES)
class LibnfsIT {

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    private Path export;
    private Path work;
    private TestServer server;

    @BeforeEach
    void start() throws IOException {
        export = Files.createDirectories(tmp.resolve("export"));
        work = Files.createDirectories(tmp.resolve("work"));
        server = TestServer.start(export, tmp.resolve("state"));
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void nfsCpCopiesOneGibInAndOutUnchanged() throws Exception {
        String nfsCp = tool("nfs-cp");
        Path source = work.resolve("source.bin");
        long size = 1024L * MIB;
        long t0 = System.nanoTime();
        String sourceSum = writeRandom(source, size, 20240229L);
        System.out.printf("generated %d MiB in %d ms%n", size / MIB, ms(t0));

        long t1 = System.nanoTime();
        run(Duration.ofMinutes(15), nfsCp, source.toString(), server.url("copied.bin"));
        System.out.printf("nfs-cp into the export: %d ms%n", ms(t1));
        Path inExport = export.resolve("copied.bin");
        assertTrue(Files.isRegularFile(inExport), "nfs-cp made no file in the export");
        assertEquals(size, Files.size(inExport), "size of the file in the export");
        assertEquals(sourceSum, sha256(inExport), "SHA-256 of the file in the export (on disk)");

        Path back = work.resolve("back.bin");
        long t2 = System.nanoTime();
        run(Duration.ofMinutes(15), nfsCp, server.url("copied.bin"), back.toString());
        System.out.printf("nfs-cp out of the export: %d ms%n", ms(t2));
        assertEquals(size, Files.size(back), "size of the file copied back");
        assertEquals(sourceSum, sha256(back), "SHA-256 of the file copied back out");
    }

    @Test
    void nfsLsListsOneHundredThousandEntriesMadeOnDisk() throws Exception {
        String nfsLs = tool("nfs-ls");
        int n = 100_000;
        Path dir = Files.createDirectory(export.resolve("many"));
        Set<String> expected = new TreeSet<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String name = String.format("entry-%06d", i);
            Files.createFile(dir.resolve(name));
            expected.add(name);
        }
        System.out.printf("created %d entries on disk in %d ms%n", n, ms(t0));

        long t1 = System.nanoTime();
        Result r = run(Duration.ofMinutes(20), nfsLs, server.url("many"));
        System.out.printf("nfs-ls of %d entries: %d ms%n", n, ms(t1));
        List<String> listed = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String name = line.substring(line.lastIndexOf(' ') + 1);
            if (!name.equals(".") && !name.equals("..")) {
                listed.add(name);
            }
        }
        Set<String> unique = new TreeSet<>(listed);
        assertEquals(listed.size(), unique.size(), "nfs-ls listed some names twice " + r.excerpt());
        if (!unique.equals(expected)) {
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(unique);
            Set<String> extra = new TreeSet<>(unique);
            extra.removeAll(expected);
            fail("nfs-ls listed " + unique.size() + " names, want " + n + "; missing (first 10): "
                    + missing.stream().limit(10).toList() + " (" + missing.size() + "), unexpected (first 10): "
                    + extra.stream().limit(10).toList() + " (" + extra.size() + ") " + r.excerpt());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    /** The absolute path of a libnfs-utils tool, or a failure saying what to install. */
    private static String tool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        fail(name + " not found on PATH: install the Debian package libnfs-utils "
                + "(apt-get install -y libnfs-utils)");
        return null;
    }

    /** Writes {@code size} bytes of seeded random data in 1 MiB blocks; returns their SHA-256. */
    private static String writeRandom(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        MessageDigest md = sha256();
        byte[] block = new byte[MIB];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long done = 0; done < size; done += block.length) {
                random.nextBytes(block);
                int len = (int) Math.min(block.length, size - done);
                md.update(block, 0, len);
                ByteBuffer b = ByteBuffer.wrap(block, 0, len);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest md = sha256();
        ByteBuffer buf = ByteBuffer.allocateDirect(4 * MIB);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    record Result(List<String> command, int exit, String stdout, String stderr) {

        /** Output for an assertion message: the head and tail of stdout, all of stderr (bounded). */
        String excerpt() {
            return "\n$ " + String.join(" ", command) + "\nexit " + exit + "\n--- stdout ---\n" + clip(stdout)
                    + "\n--- stderr ---\n" + clip(stderr);
        }

        private static String clip(String s) {
            if (s.length() <= 4000) {
                return s;
            }
            return s.substring(0, 2000) + "\n[... " + (s.length() - 4000) + " characters ...]\n"
                    + s.substring(s.length() - 2000);
        }
    }

    /**
     * Runs a command with its output in files (no pipe can fill up), waits at most
     * {@code deadline}, and fails with the output unless it exits 0.
     */
    private Result run(Duration deadline, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        boolean exited = p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        Result r = new Result(List.of(command), exited ? p.exitValue() : -1,
                Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        if (!exited) {
            fail("did not finish within " + deadline + r.excerpt());
        }
        if (r.exit() != 0) {
            fail("exited with " + r.exit() + r.excerpt());
        }
        return r;
    }
}
