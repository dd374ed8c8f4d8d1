package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.nfs.xdr.nfs3_prot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as its launcher runs it, in a process of its own: signals, and running without root. */
class LauncherIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    /** Polls {@code check} until it holds or the deadline passes. */
    private static boolean eventually(Duration timeout, ThrowingCheck check) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        do {
            if (check.holds()) {
                return true;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() < end);
        return check.holds();
    }

    interface ThrowingCheck {
        boolean holds() throws Exception;
    }

    @Test
    void sighupRereadsTheExportsFileAndSigtermStopsCleanly() throws Exception {
        Path export = Files.createDirectory(tmp.resolve("export"));
        Path exports = tmp.resolve("exports");
        Files.writeString(exports, export + " -fsid=9 127.0.0.1(rw,insecure,no_root_squash)\n");
        Path log = tmp.resolve("server.log");
        // a test run started under nohup hands SIGHUP down ignored, and the JVM then keeps ignoring it
        try (ServerProcess server = ServerProcess.start(List.of("env", "--default-signal=HUP"),
                System.getProperty("java.class.path"), export, tmp.resolve("state"), 0, 0, log,
                "--exports", exports.toString());
             ItRpcClient c = ItRpcClient.nfs(server.nfsPort())) {
            byte[] root;
            try (ItRpcClient m = ItRpcClient.mount(server.mountPort())) {
                root = m.mntOk(export.toString());
            }
            assertEquals(nfs3_prot.NFS3_OK, c.create(root, "before", 0644).status, server.logTail());

            Files.writeString(exports, export + " -fsid=9 127.0.0.1(ro,insecure,no_root_squash)\n");
            server.signal("HUP");
            assertTrue(eventually(DEADLINE, () -> Files.readString(log).contains("re-read " + exports)),
                    () -> server.diagnosis());
            assertEquals(nfs3_prot.NFS3ERR_ROFS, c.create(root, "after", 0644).status,
                    "after SIGHUP the export is read-only, for a handle obtained before");
            assertFalse(Files.exists(export.resolve("after")));

            Files.writeString(exports, "this line is not an export\n");
            server.signal("HUP");
            assertTrue(eventually(DEADLINE, () -> Files.readString(log).contains("keeping the current exports")),
                    () -> server.diagnosis());
            assertEquals(nfs3_prot.NFS3_OK, c.getattr(root).status, "a broken file keeps the old rules");

            server.signal("TERM");
            int status = server.waitForExit(DEADLINE);
            assertTrue(status == 0 || status == 143, "exit status " + status + "\n" + server.logTail());
            assertTrue(Files.readString(log).contains("stopped"), server.logTail());
        }
        // the identity index was closed cleanly: a new start finds it so
        Files.writeString(exports, export + " -fsid=9 127.0.0.1(rw,insecure,no_root_squash)\n");
        Path log2 = tmp.resolve("server2.log");
        try (ServerProcess again = ServerProcess.start(export, tmp.resolve("state"), 0, 0, log2,
                "--exports", exports.toString())) {
            assertFalse(Files.readString(log2).contains("not closed cleanly"), again.logTail());
        }
    }

    @Test
    void runsWithoutRootAndCreatesFilesAsItself() throws Exception {
        // an unprivileged user cannot read the test class path under /root: give it a copy
        Path cpDir = Files.createDirectory(tmp.resolve("cp"));
        List<String> cp = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path src = Path.of(entry);
            if (!Files.exists(src)) {
                continue;
            }
            Path dst = cpDir.resolve((n++) + "-" + src.getFileName());
            ItCommands.runOk(DEADLINE, "cp", "-r", src.toString(), dst.toString());
            cp.add(dst.toString());
        }
        Path export = Files.createDirectory(tmp.resolve("export"));
        Path state = Files.createDirectory(tmp.resolve("state"));
        ItCommands.runOk(DEADLINE, "chmod", "-R", "a+rX", tmp.toString());
        ItCommands.runOk(DEADLINE, "chmod", "0777", export.toString());
        ItCommands.runOk(DEADLINE, "chown", "65534:65534", export.toString(), state.toString());
        List<String> asNobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
        Path log = tmp.resolve("server.log");
        try (ServerProcess server = ServerProcess.start(asNobody, String.join(java.io.File.pathSeparator, cp),
                export, state, 0, 0, log);
             ItRpcClient c = ItRpcClient.nfs(server.nfsPort());
             ItRpcClient m = ItRpcClient.mount(server.mountPort())) {
            assertTrue(Files.readString(log).contains("no portmapper"), "says it serves without a portmapper");
            byte[] root = m.mntOk(export.toString());
            assertEquals(nfs3_prot.NFS3_OK, c.as(1000, 1000).create(root, "made", 0640).status, server.logTail());
            Path made = export.resolve("made");
            assertEquals(65534, Files.getAttribute(made, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                    "without root the file belongs to the server's user");
            assertEquals(0640, (int) Files.getAttribute(made, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
        }
    }

}
