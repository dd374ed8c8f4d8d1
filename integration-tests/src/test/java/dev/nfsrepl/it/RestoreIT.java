package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.nfs.xdr.nfs3_prot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad day undone through the console: a tree is removed with everything in it, and
 * {@code restore --path /proj --at T1 --into /restored} brings it back as it was just before, equal
 * (digest without FileIds: names, types, modes, owners, sizes, mtimes, contents, symlinks, hard
 * links) to the tree before the removal, on the primary and, replicated, on its backup. A restore
 * into a directory that is not empty is refused without --force.
 */
class RestoreIT {

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path tmp;

    private TestCluster cluster;

    @AfterEach
    void stop() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRemovedTreeIsRestoredAsItWasJustBeforeItsRemoval() throws Exception {
        cluster = new TestCluster(tmp, List.of(), List.of()).start();
        AdminClient p = cluster.primary().admin();
        AdminClient b = cluster.backup().admin();
        Map<String, String> env = Map.of("NFSREPL_NODE", p.url(), "NFSREPL_TOKEN", p.token());
        String before;
        Instant t1;
        try (ItRpcClient m = ItRpcClient.mount(cluster.primary().mountPort());
             ItRpcClient c = ItRpcClient.nfs(cluster.primary().nfsPort())) {
            byte[] root = m.mntOk("/export");
            byte[] proj = c.mkdirOk(root, "proj", 0755);
            byte[] src = c.mkdirOk(proj, "src", 0750);
            byte[] docs = c.mkdirOk(proj, "docs", 0755);
            byte[] other = c.mkdirOk(root, "other", 0755);
            byte[] a = c.createOk(src, "a.c", 0644);
            c.writeOk(a, 0, "int a;\n".repeat(1000).getBytes(StandardCharsets.UTF_8));
            c.writeOk(c.createOk(src, "b.c", 0644), 0, "int b;\n".getBytes(StandardCharsets.UTF_8));
            byte[] readme = c.createOk(docs, "readme", 0644);
            c.writeOk(readme, 0, "first line\n".getBytes(StandardCharsets.UTF_8));
            c.writeOk(readme, 11, "second line\n".getBytes(StandardCharsets.UTF_8));
            ItRpcClient.expect(0, c.chmod(readme, 0600).status, "chmod readme");
            c.writeOk(c.createOk(proj, "sparse", 0644), 10L << 20, "end".getBytes(StandardCharsets.UTF_8));
            ItRpcClient.expect(0, c.symlink(proj, "latest", "src/a.c").status, "symlink latest");
            ItRpcClient.expect(0, c.link(a, proj, "a-again").status, "link a-again");
            byte[] moved = c.createOk(other, "draft", 0640);
            c.writeOk(moved, 0, "written under /other\n".getBytes(StandardCharsets.UTF_8));
            ItRpcClient.expect(0, c.rename(other, "draft", docs, "final").status, "rename draft");
            c.writeOk(moved, 21, "and under /proj\n".getBytes(StandardCharsets.UTF_8));
            c.writeOk(c.createOk(other, "untouched", 0644), 0, "x".getBytes(StandardCharsets.UTF_8));

            before = digest(p, "/proj");
            ConsoleIT.Run point = ConsoleIT.console(env, "restore-point", "before the cleanup");
            assertEquals(0, point.code(), point.out() + point.err());
            assertTrue(point.out().matches("restore point 'before the cleanup' at #\\d+ \\(.*\\)\n"), point.out());
            ConsoleIT.Run again = ConsoleIT.console(env, "restore-point", "before the cleanup");
            assertEquals(7, again.code(), again.err());
            assertTrue(again.err().contains("there is a restore point named 'before the cleanup' already"), again.err());
            t1 = Instant.now();
            removeTree(c, root, "proj");
            ItRpcClient.expect(nfs3_prot.NFS3ERR_NOENT, c.lookup(root, "proj").status, "proj is gone");
        }

        ConsoleIT.Run restore = ConsoleIT.console(env, "restore", "--path", "/proj", "--at", t1.toString(),
                "--into", "/restored");
        assertEquals(0, restore.code(), restore.out() + restore.err());
        assertTrue(restore.out().matches("(?s)restored /proj as of #\\d+ \\(.*\\) into /restored, from the journal's start: 3 directories, "
                + "5 files \\(\\d+ bytes\\), 1 symlinks, 0 FIFOs/sockets, 1 further hard links\\n"), restore.out());
        assertTrue(restore.err().contains("copying: 9 steps"), restore.err()); // the last phase, at least
        assertEquals(before, digest(p, "/restored"), "the restored tree equals /proj before its removal");

        ConsoleIT.Run byName = ConsoleIT.console(env, "restore", "--path", "/proj", "--at-point", "before the cleanup",
                "--into", "/by-name");
        assertEquals(0, byName.code(), byName.out() + byName.err());
        assertEquals(before, digest(p, "/by-name"));
        ConsoleIT.Run points = ConsoleIT.console(env, "restore-point", "--list");
        assertEquals(0, points.code(), points.err());
        assertTrue(points.out().matches("#\\d+ +\\S+  before the cleanup\n"), points.out());
        ConsoleIT.Run noSuchPoint = ConsoleIT.console(env, "restore", "--path", "/proj", "--at-point", "nope",
                "--into", "/x");
        assertEquals(6, noSuchPoint.code(), noSuchPoint.err());

        // replicated like any change: the backup's whole tree equals the primary's, FileIds included
        long last = p.get("/api/v1/status").get("lastSeq").asLong();
        assertTrue(Await.within(Duration.ofSeconds(60), () -> b.get("/api/v1/status").get("exports").get(0)
                .get("replica").get("applied").asLong() >= last), "the backup applies #" + last + " within 60 s");
        assertEquals(p.get("/api/v1/digest").get("root").asText(), b.get("/api/v1/digest").get("root").asText());
        assertEquals("before the cleanup", b.get("/api/v1/restore-points").get(0).get("name").asText(),
                "the restore point is in the backup's journal too");

        ConsoleIT.Run notEmpty = ConsoleIT.console(env, "restore", "--path", "/proj", "--at", t1.toString(), "--into",
                "/restored");
        assertEquals(7, notEmpty.code(), notEmpty.err());
        assertTrue(notEmpty.err().contains("/restored is not empty") && notEmpty.err().contains("--force"),
                notEmpty.err());
        ConsoleIT.Run forced = ConsoleIT.console(env, "restore", "--path", "/proj/docs", "--at", t1.toString(),
                "--into", "/restored/docs", "--force", "--json");
        assertEquals(0, forced.code(), forced.err());
        assertEquals(before, digest(p, "/restored"));

        ConsoleIT.Run missing = ConsoleIT.console(env, "restore", "--path", "/nothing", "--at-seq", "3", "--into", "/x");
        assertEquals(8, missing.code(), missing.err());
        assertTrue(missing.err().contains("/nothing did not exist at #3"), missing.err());
        ConsoleIT.Run escape = ConsoleIT.console(env, "restore", "--path", "/proj", "--at-seq", "3", "--into",
                "/restored/../../etc");
        assertEquals(2, escape.code(), escape.err());
        assertTrue(escape.err().contains("a path with '..' in it"), escape.err());

        // the restore is in the journal, like a client's change
        ConsoleIT.Run ops = ConsoleIT.console(env, "ops", "--path", "/restored", "--op", "CREATE", "--json");
        assertEquals(0, ops.code(), ops.err());
        assertNotEquals(-1, ops.out().indexOf("\"/restored/docs/final\""), ops.out());

        // a checkpoint, and a restore that starts from it
        ConsoleIT.Run checkpoint = ConsoleIT.console(env, "checkpoint");
        assertEquals(0, checkpoint.code(), checkpoint.out() + checkpoint.err());
        assertTrue(checkpoint.out().matches("checkpoint as of #\\d+ \\(made .* from the journal from its start\\): \\d+ objects, "
                + "\\d+ bytes, in .*/checkpoints/\\d{20}\n"), checkpoint.out());
        ConsoleIT.Run list = ConsoleIT.console(env, "checkpoint", "--list", "--json");
        assertEquals(0, list.code(), list.err());
        long cpSeq = new com.fasterxml.jackson.databind.ObjectMapper().readTree(list.out()).get(0).get("seq").asLong();
        ConsoleIT.Run fromCheckpoint = ConsoleIT.console(env, "restore", "--path", "/restored", "--at-seq",
                String.valueOf(cpSeq), "--into", "/again");
        assertEquals(0, fromCheckpoint.code(), fromCheckpoint.out() + fromCheckpoint.err());
        assertTrue(fromCheckpoint.out().contains("into /again, from checkpoint #" + cpSeq + ": "), fromCheckpoint.out());
        assertEquals(before, digest(p, "/again"));
    }

    @Test
    void aScriptsOverwritesAreUndoneByReplayingOnlyTheOtherClientsWrites() throws Exception {
        cluster = new TestCluster(tmp, List.of(), List.of()).start();
        AdminClient p = cluster.primary().admin();
        Map<String, String> env = Map.of("NFSREPL_NODE", p.url(), "NFSREPL_TOKEN", p.token());
        int files = 10;
        byte[][] handles = new byte[files][];
        try (ItRpcClient m = ItRpcClient.mount(cluster.primary().mountPort());
             ItRpcClient a = ItRpcClient.nfs(cluster.primary().nfsPort());
             ItRpcClient script = ItRpcClient.connect(nfs3_prot.NFS_PROGRAM,
                     java.net.InetAddress.getByName("127.0.0.2"), 0, cluster.primary().nfsPort())) {
            byte[] root = m.mntOk("/export");
            byte[] data = a.mkdirOk(root, "data", 0755);
            for (int i = 0; i < files; i++) {
                handles[i] = a.createOk(data, "f" + i, 0644);
                a.writeOk(handles[i], 0, content("good", i));
            }
            for (int i = 0; i < files; i++) {
                script.writeOk(handles[i], 0, content("BAD!", i));
            }
            script.createOk(data, "junk", 0644);

            String overwritten = digest(p, "/data");
            ConsoleIT.Run dry = ConsoleIT.console(env, "replay", "--client", "127.0.0.1", "--op", "WRITE", "--path",
                    "/data", "--dry-run");
            assertEquals(0, dry.code(), dry.out() + dry.err());
            assertTrue(dry.out().matches("(?s)#\\d+ +\\S+ WRITE   /data/f0: write 40 bytes at 0: would be done\n.*"
                    + "dry run, nothing changed. 10 operations matched: 10 would be done, 0 already so, 0 skipped, "
                    + "0 failed\n"), dry.out());
            assertEquals(overwritten, digest(p, "/data"), "a dry run changes nothing");

            ConsoleIT.Run replay = ConsoleIT.console(env, "replay", "--client", "127.0.0.1", "--op", "WRITE",
                    "--path", "/data");
            assertEquals(0, replay.code(), replay.out() + replay.err());
            for (int i = 0; i < files; i++) {
                assertEquals(new String(content("good", i)), new String(a.readAll(handles[i])), "f" + i);
            }
            assertEquals(0, a.lookup(data, "junk").status, "the script's other changes stay");
            String undone = entriesWithoutTimes(p, "/data");
            ConsoleIT.Run twice = ConsoleIT.console(env, "replay", "--client", "127.0.0.1", "--op", "WRITE",
                    "--path", "/data", "--to-seq", String.valueOf(p.get("/api/v1/status").get("lastSeq").asLong()));
            assertEquals(0, twice.code(), twice.err());
            assertEquals(undone, entriesWithoutTimes(p, "/data"), "replaying again writes the same bytes again");

            // the same client's whole history, re-rooted: a copy of /data as that client made it
            ConsoleIT.Run copy = ConsoleIT.console(env, "replay", "--client", "127.0.0.1", "--path", "/data",
                    "--into", "/copy");
            assertEquals(0, copy.code(), copy.out() + copy.err());
            assertTrue(copy.out().contains("MKDIR   /data (on /copy): mkdir: done"), copy.out());
            byte[] copyDir = a.lookupOk(root, "copy");
            assertEquals(List.of("f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9"),
                    a.listNames(copyDir).stream().filter(n -> !n.startsWith(".")).sorted().toList());
            assertEquals(new String(content("good", 3)), new String(a.readAll(a.lookupOk(copyDir, "f3"))));

            ConsoleIT.Run noFilter = ConsoleIT.console(env, "replay");
            assertEquals(2, noFilter.code(), noFilter.err());
            ConsoleIT.Run intoWithoutPath = ConsoleIT.console(env, "replay", "--client", "127.0.0.1", "--into", "/x");
            assertEquals(2, intoWithoutPath.code(), intoWithoutPath.err());
            assertTrue(intoWithoutPath.err().contains("needs --path"), intoWithoutPath.err());
        }
    }

    /** The entries of a directory, as the digest describes them, without their mtimes. */
    private static String entriesWithoutTimes(AdminClient node, String dir) throws IOException, InterruptedException {
        return node.get("/api/v1/digest?ids=false&dir=/&subtree=" + dir).get("entries").toString()
                .replaceAll("mtime=\\d+", "");
    }

    private static byte[] content(String version, int i) {
        return ((String.format("%s version of file %02d ", version, i) + ".".repeat(40)).substring(0, 39) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String digest(AdminClient node, String dir) throws IOException, InterruptedException {
        return node.get("/api/v1/digest?ids=false&subtree=" + dir).get("root").asText();
    }

    private static void removeTree(ItRpcClient c, byte[] dir, String name) throws IOException {
        byte[] fh = c.lookupOk(dir, name);
        if (c.attrs(fh).type == nfs3_prot.NF3DIR) {
            for (String n : c.listNames(fh)) {
                if (!n.equals(".") && !n.equals("..")) {
                    removeTree(c, fh, n);
                }
            }
            ItRpcClient.expect(0, c.rmdir(dir, name).status, "rmdir " + name);
        } else {
            ItRpcClient.expect(0, c.remove(dir, name).status, "remove " + name);
        }
    }
}
