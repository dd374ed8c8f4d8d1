package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Linux kernel NFS client (in a qemu guest) against nfsrepl: a POSIX suite of our own. */
class LinuxClientIT {

    /** Every check of src/test/guest/posix.sh; each must be reported, and pass. */
    static final List<String> POSIX_CHECKS = List.of("create_read_write_append", "o_excl_create",
            "rename_replaces_existing", "rename_dir_into_own_subtree_refused", "rmdir_nonempty_refused",
            "unlink_open_file_silly_rename", "truncate_and_extend", "sparse_file_beyond_4g", "mmap_write",
            "name_of_255_bytes", "directory_of_20000_listed", "rm_rf_of_20000", "cp_a_keeps_links_modes_times",
            "touch_d", "chmod", "chown_as_root_no_root_squash", "chown_refused_under_root_squash",
            "o_append_from_two_processes");

    @TempDir
    Path tmp;

    @Test
    void posixSuitePasses() throws Exception {
        posixSuite(null);
    }

    /** The same suite through the journal (RecordingFileSystem): the Linux client sees no difference. */
    @Test
    void posixSuitePassesWithTheJournal() throws Exception {
        posixSuite(tmp.resolve("journal"));
    }

    private void posixSuite(Path journal) throws Exception {
        Path a = Files.createDirectory(tmp.resolve("a"));
        Path b = Files.createDirectory(tmp.resolve("b"));
        Files.setAttribute(b, "unix:mode", 0777);
        Path big = Files.createDirectory(a.resolve("big"));
        for (int i = 0; i < 20_000; i++) {
            Files.createFile(big.resolve("entry-" + i));
        }
        Path exports = tmp.resolve("exports");
        Files.writeString(exports, a + " -fsid=1 127.0.0.1(rw,insecure,no_root_squash)\n"
                + b + " -fsid=2 127.0.0.1(rw,insecure,root_squash)\n");
        try (TestServer server = TestServer.withExports(exports, tmp.resolve("state"), journal)) {
            LinuxGuest.Result r = LinuxGuest.run(Files.readString(Path.of("src/test/guest/posix.sh")),
                    server.nfsPort(), server.mountPort(),
                    List.of(new LinuxGuest.Mount(a.toString(), "/mnt/a", ""),
                            new LinuxGuest.Mount(b.toString(), "/mnt/b", "")),
                    Duration.ofMinutes(10), null);
            Map<String, String> checks = r.checks();
            String failed = checks.entrySet().stream().filter(e -> !e.getValue().startsWith("PASS"))
                    .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("\n"));
            assertEquals(POSIX_CHECKS, List.copyOf(checks.keySet()), "checks reported; console:\n" + r.consoleText());
            assertTrue(failed.isEmpty(), "failed checks:\n" + failed + "\nconsole:\n" + r.consoleText());
            assertEquals(0, r.exitStatus(), r.consoleText());
        }
    }
}
