package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nfsrepl.nfs.xdr.WRITE3res;
import dev.nfsrepl.nfs.xdr.nfs3_prot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full file system: an export on a 10 MiB tmpfs receives 20 MiB. The client must get
 * NFS3ERR_NOSPC, and the server must go on serving the export: reads, attributes and, once space
 * is freed, writes again.
 */
class EnospcIT {

    private static final int MIB = 1024 * 1024;
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    /** A tmpfs of {@code size} mounted on a fresh directory; unmounted on close. */
    static final class Tmpfs implements AutoCloseable {
        final Path dir;

        Tmpfs(Path dir, String size) throws IOException, InterruptedException {
            this.dir = Files.createDirectories(dir);
            ItCommands.Result r = ItCommands.run(Duration.ofSeconds(30), "mount", "-t", "tmpfs", "-o",
                    "size=" + size + ",mode=0755", "tmpfs", dir.toString());
            if (r.exit() != 0) {
                fail("cannot mount a " + size + " tmpfs on " + dir + " (exit " + r.exit() + "): " + r.output().strip()
                        + "\nEnospcIT needs root with CAP_SYS_ADMIN (mount -t tmpfs) and util-linux's mount");
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            ItCommands.Result r = ItCommands.run(Duration.ofSeconds(30), "umount", dir.toString());
            if (r.exit() != 0) {
                ItCommands.Result lazy = ItCommands.run(Duration.ofSeconds(30), "umount", "-l", dir.toString());
                if (lazy.exit() != 0) {
                    throw new IOException("cannot unmount the test tmpfs " + dir + ": " + r.output() + lazy.output());
                }
            }
        }
    }

    @Test
    void writesBeyondCapacityGetNospcAndTheServerKeepsServing() throws Exception {
        try (Tmpfs fs = new Tmpfs(tmp.resolve("small"), "10m")) {
            Files.writeString(fs.dir.resolve("keep.txt"), "written before the disk filled up\n");
            try (TestServer server = TestServer.start(fs.dir, tmp.resolve("state"));
                 ItRpcClient c = ItRpcClient.nfs(server.nfsPort())) {
                byte[] root;
                try (ItRpcClient m = ItRpcClient.mount(server.mountPort())) {
                    root = m.mntOk(fs.dir.toString());
                }
                byte[] keep = c.lookupOk(root, "keep.txt");
                byte[] big = c.createOk(root, "big.bin", 0644);

                byte[] chunk = new byte[MIB];
                new Random(1).nextBytes(chunk);
                long acknowledged = 0;
                int failure = nfs3_prot.NFS3_OK;
                for (long off = 0; off < 20L * MIB; off += MIB) {
                    WRITE3res r = c.write(big, off, chunk, nfs3_prot.UNSTABLE);
                    if (r.status != nfs3_prot.NFS3_OK) {
                        failure = r.status;
                        break;
                    }
                    acknowledged += r.resok.count;
                }
                System.out.println("EnospcIT: " + acknowledged + " bytes acknowledged, then WRITE status " + failure);
                assertEquals(nfs3_prot.NFS3ERR_NOSPC, failure,
                        "status of the first failing WRITE into a full file system (acknowledged " + acknowledged
                                + " bytes before it; 0 means every WRITE of 20 MiB succeeded)");
                assertTrue(acknowledged <= 10L * MIB, "acknowledged " + acknowledged + " bytes on a 10 MiB tmpfs");

                // the server still serves the full export
                assertEquals(nfs3_prot.NF3DIR, c.attrs(root).type);
                assertEquals("written before the disk filled up\n", new String(c.readAll(keep), StandardCharsets.UTF_8));
                long partial = c.attrs(big).size;
                assertTrue(partial >= acknowledged, "size " + partial + " of the partial file");
                assertTrue(c.listNames(root).contains("big.bin"));
                ItRpcClient.expect(nfs3_prot.NFS3_OK, c.fsstat(root).status, "FSSTAT of a full file system");

                // freeing the space makes writes work again
                ItRpcClient.expect(nfs3_prot.NFS3_OK, c.remove(root, "big.bin").status, "REMOVE of the partial file");
                assertFalse(Files.exists(fs.dir.resolve("big.bin")));
                byte[] small = c.createOk(root, "after.bin", 0644);
                byte[] data = new byte[256 * 1024];
                new Random(2).nextBytes(data);
                c.writeOk(small, 0, data);
                ItRpcClient.expect(nfs3_prot.NFS3_OK, c.commit(small).status, "COMMIT");
                assertArrayEquals(data, c.readAll(small));
                assertArrayEquals(data, Files.readAllBytes(fs.dir.resolve("after.bin")));
            }
        }
    }

    @Test
    void nfsCpOfAFileTooLargeFailsAndTheExportStaysUsable() throws Exception {
        Path source = tmp.resolve("twenty-mib.bin");
        byte[] twenty = new byte[20 * MIB];
        new Random(3).nextBytes(twenty);
        Files.write(source, twenty);
        Path smallSource = Files.writeString(tmp.resolve("small.txt"), "fits easily\n");

        try (Tmpfs fs = new Tmpfs(tmp.resolve("small"), "10m")) {
            Files.writeString(fs.dir.resolve("keep.txt"), "still readable\n");
            try (TestServer server = TestServer.start(fs.dir, tmp.resolve("state"))) {
                ItCommands.Result cp = ItCommands.run(TOOL_TIMEOUT, "nfs-cp", source.toString(), server.url("big.bin"));
                System.out.println("EnospcIT: nfs-cp of 20 MiB exited " + cp.exit() + ": " + cp.output().strip());
                assertNotEquals(0, cp.exit(), "nfs-cp of 20 MiB into a 10 MiB export must fail; output:\n" + cp.output());

                assertEquals("still readable\n", ItCommands.runOk(TOOL_TIMEOUT, "nfs-cat", server.url("keep.txt")));
                String ls = ItCommands.runOk(TOOL_TIMEOUT, "nfs-ls", server.url(""));
                assertTrue(ls.contains("keep.txt"), ls);

                try (ItRpcClient m = ItRpcClient.mount(server.mountPort());
                     ItRpcClient c = ItRpcClient.nfs(server.nfsPort())) {
                    byte[] root = m.mntOk(fs.dir.toString());
                    if (Files.exists(fs.dir.resolve("big.bin"))) {
                        ItRpcClient.expect(nfs3_prot.NFS3_OK, c.remove(root, "big.bin").status,
                                "REMOVE of the partial copy");
                    }
                }
                ItCommands.runOk(TOOL_TIMEOUT, "nfs-cp", smallSource.toString(), server.url("small.txt"));
                assertEquals("fits easily\n", ItCommands.runOk(TOOL_TIMEOUT, "nfs-cat", server.url("small.txt")));
                assertEquals("fits easily\n", Files.readString(fs.dir.resolve("small.txt")));
            }
        }
    }

    /**
     * A full journal disk refuses the change (NFS3ERR_NOSPC) instead of changing the tree
     * unrecorded: nothing the journal lacks reaches the export, and its replay equals the export.
     */
    @Test
    void aFullJournalDiskRefusesChangesAndTheTreeStaysRecorded() throws Exception {
        Path export = Files.createDirectories(tmp.resolve("export"));
        try (Tmpfs journal = new Tmpfs(tmp.resolve("journal"), "3m")) {
            try (TestServer server = TestServer.withExports(exportsFor(export), tmp.resolve("state"), journal.dir);
                 ItRpcClient c = ItRpcClient.nfs(server.nfsPort())) {
                byte[] root;
                try (ItRpcClient m = ItRpcClient.mount(server.mountPort())) {
                    root = m.mntOk(export.toString());
                }
                byte[] big = c.createOk(root, "big.bin", 0644);
                byte[] chunk = new byte[MIB / 2];
                new Random(3).nextBytes(chunk);
                long acknowledged = 0;
                int failure = nfs3_prot.NFS3_OK;
                for (long off = 0; off < 8L * MIB; off += chunk.length) {
                    WRITE3res r = c.write(big, off, chunk, nfs3_prot.FILE_SYNC);
                    if (r.status != nfs3_prot.NFS3_OK) {
                        failure = r.status;
                        break;
                    }
                    acknowledged += r.resok.count;
                }
                assertEquals(nfs3_prot.NFS3ERR_NOSPC, failure, "after " + acknowledged + " bytes on a 3 MiB journal");
                assertEquals(acknowledged, Files.size(export.resolve("big.bin")),
                        "the refused WRITE did not reach the export");
                // small records still fit in the journal's last page: create files until one is refused
                int created = 0;
                int status = nfs3_prot.NFS3_OK;
                while (status == nfs3_prot.NFS3_OK && created < 100_000) {
                    status = c.create(root, "small-" + created, 0644).status;
                    if (status == nfs3_prot.NFS3_OK) {
                        created++;
                    }
                }
                assertEquals(nfs3_prot.NFS3ERR_NOSPC, status, "after " + created + " small creates");
                assertFalse(Files.exists(export.resolve("small-" + created)), "a refused CREATE made nothing");
                assertEquals(acknowledged, c.attrs(big).size, "reads and attributes go on");
            }
            Path ej = dev.nfsrepl.journal.JournalTool.exportJournal(journal.dir);
            assertTrue(dev.nfsrepl.journal.JournalTool.stats(ej).damage().isEmpty(), "the journal verifies");
            Path replayed = tmp.resolve("replayed");
            dev.nfsrepl.journal.JournalTool.replay(ej, replayed, tmp.resolve("replayed-state"), msg -> { });
            try (var a = Files.list(export); var b = Files.list(replayed)) {
                assertEquals(a.map(p -> p.getFileName().toString()).sorted().toList(),
                        b.map(p -> p.getFileName().toString()).sorted().toList(), "the same names");
            }
            assertArrayEquals(Files.readAllBytes(export.resolve("big.bin")), Files.readAllBytes(replayed.resolve("big.bin")),
                    "the journal holds exactly what the export has");
        }
    }

    private Path exportsFor(Path export) throws IOException {
        Path f = tmp.resolve("exports");
        Files.writeString(f, export + " 127.0.0.1(rw,insecure,no_root_squash)\n");
        return f;
    }
}
