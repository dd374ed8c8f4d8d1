package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nfsrepl.console.Console;
import java.io.PrintWriter;
import java.io.StringWriter;
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
 * The recovery console against a primary and its backup running as processes: {@code status} as
 * a table and as JSON, the node from the options or from NFSREPL_NODE/NFSREPL_TOKEN, and the exit
 * codes and messages of a wrong token, an unreachable node and no node at all.
 */
class ConsoleIT {

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path tmp;

    private TestCluster cluster;

    @AfterEach
    void stop() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** What one run of the console printed, and its exit code. */
    record Run(int code, String out, String err) {
    }

    static Run console(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Console.run(args, new PrintWriter(out), new PrintWriter(err), env);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void statusOfAPrimaryAndItsBackupAndTheExitCodesScriptsRelyOn() throws Exception {
        cluster = new TestCluster(tmp, List.of(), List.of()).start();
        AdminClient p = cluster.primary().admin();
        AdminClient b = cluster.backup().admin();
        try (ItRpcClient m = ItRpcClient.mount(cluster.primary().mountPort());
             ItRpcClient c = ItRpcClient.nfs(cluster.primary().nfsPort())) {
            byte[] root = m.mntOk("/export");
            c.writeOk(c.createOk(root, "f", 0644), 0, "hello".getBytes(StandardCharsets.UTF_8));
        }
        long last = p.get("/api/v1/status").get("lastSeq").asLong();
        assertTrue(Await.within(Duration.ofSeconds(60), () -> b.get("/api/v1/status").get("exports").get(0)
                .get("replica").get("applied").asLong() >= last), "the backup applies #" + last + " within 60 s");
        assertTrue(Await.within(Duration.ofSeconds(60), () -> p.get("/api/v1/status").get("exports").get(0)
                .get("backups").get(0).get("applied").asLong() >= last),
                "the primary hears (a PROGRESS frame, writes having stopped) that its backup applied #" + last);

        Run json = console(Map.of(), "--node", p.url(), "--token", p.token(), "status", "--json");
        assertEquals(0, json.code(), json.err());
        JsonNode s = new ObjectMapper().readTree(json.out());
        assertEquals("primary", s.get("role").asText());
        assertTrue(s.get("lastSeq").asLong() >= last, json.out());
        assertTrue(s.get("epoch").asInt() >= 1, json.out());
        assertEquals("b1", s.get("exports").get(0).get("backups").get(0).get("name").asText());

        Run table = console(Map.of("NFSREPL_NODE", p.url(), "NFSREPL_TOKEN", p.token()), "status");
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("node p (" + p.url() + "): primary, epoch "), table.out());
        assertTrue(table.out().matches("(?s).*\\n  b1 +STREAMING +(\\d+) +\\1 +0 +- .*"), table.out());

        Run backup = console(Map.of(), "--node", b.url(), "--token", b.token(), "status");
        assertEquals(0, backup.code(), backup.err());
        assertTrue(backup.out().contains(": backup, epoch "), backup.out());
        assertTrue(backup.out().matches("(?s).*\\n  copy: APPLYING, received #\\d+, applied #\\d+, commit point #\\d+\\n.*"),
                backup.out());

        // verify: the backup holds the same tree; then a byte changed behind its back is found
        Map<String, String> env = Map.of("NFSREPL_NODE", p.url(), "NFSREPL_TOKEN", p.token());
        Run verify = console(env, "verify", "--against", b.url(), "--against-token", b.token());
        assertEquals(0, verify.code(), verify.out() + verify.err());
        assertTrue(verify.out().startsWith("equal: " + p.url() + " and " + b.url() + " hold the same tree as of #"),
                verify.out());
        Path f = tmp.resolve("b/f");
        java.nio.file.attribute.FileTime mtime = java.nio.file.Files.getLastModifiedTime(f);
        java.nio.file.Files.writeString(f, "HELLO");
        java.nio.file.Files.setLastModifiedTime(f, mtime);
        Run different = console(env, "verify", "--against", b.url(), "--against-token", b.token());
        assertEquals(10, different.code(), different.out() + different.err());
        assertTrue(different.out().contains("DIFFERENT") && different.out().endsWith("entries differ:\n  /\n"),
                different.out());
        Run spill = console(env, "spill");
        assertEquals(0, spill.code(), spill.err());
        assertTrue(spill.out().matches("(?s)export /export\n.*\n  b1 +STREAMING +0 +0\\.0s +no +0  \n"), spill.out());
        Run spillOnBackup = console(Map.of(), "--node", b.url(), "--token", b.token(), "spill");
        assertEquals(7, spillOnBackup.code(), spillOnBackup.err());

        Run wrongToken = console(Map.of(), "--node", p.url(), "--token", "not-the-token", "status");
        assertEquals(4, wrongToken.code(), wrongToken.err());
        assertTrue(wrongToken.err().contains("node " + p.url() + " refused the token (HTTP 401"), wrongToken.err());

        int closed = NfsTreeDigest.freePort();
        Run unreachable = console(Map.of(), "--node", "http://127.0.0.1:" + closed, "--token", "t", "status");
        assertEquals(3, unreachable.code(), unreachable.err());
        assertTrue(unreachable.err().contains("node http://127.0.0.1:" + closed + " is unreachable"), unreachable.err());

        Run noNode = console(Map.of(), "status");
        assertEquals(2, noNode.code(), noNode.err());
        assertTrue(noNode.err().contains("no node: give --node URL, or set NFSREPL_NODE"), noNode.err());

        Run noCommand = console(Map.of());
        assertEquals(2, noCommand.code(), noCommand.out());
        assertTrue(noCommand.err().contains("Commands:"), noCommand.err());

        Run unknownOption = console(Map.of(), "status", "--jsn");
        assertEquals(2, unknownOption.code(), unknownOption.err());
        assertTrue(unknownOption.err().contains("--jsn"), unknownOption.err());
    }

    @Test
    void opsAnswersWhatHappenedToADirectoryOnThePrimaryAndOnItsBackup() throws Exception {
        cluster = new TestCluster(tmp, List.of(), List.of()).start();
        AdminClient p = cluster.primary().admin();
        AdminClient b = cluster.backup().admin();
        Map<String, String> env = Map.of("NFSREPL_NODE", p.url(), "NFSREPL_TOKEN", p.token());
        Instant between;
        try (ItRpcClient m = ItRpcClient.mount(cluster.primary().mountPort());
             ItRpcClient c = ItRpcClient.nfs(cluster.primary().nfsPort())) {
            byte[] root = m.mntOk("/export");
            byte[] proj = c.mkdirOk(root, "proj", 0755);
            byte[] other = c.mkdirOk(root, "other", 0755);
            c.writeOk(c.createOk(proj, "a", 0644), 0, "one".getBytes(StandardCharsets.UTF_8));
            byte[] bFile = c.createOk(other, "b", 0644);
            c.writeOk(bFile, 0, "two".getBytes(StandardCharsets.UTF_8));
            between = Instant.now();
            ItRpcClient.expect(0, c.rename(other, "b", proj, "b").status, "RENAME other/b proj/b");
            c.writeOk(bFile, 3, "!".getBytes(StandardCharsets.UTF_8));
            ItRpcClient.expect(0, c.remove(proj, "a").status, "REMOVE proj/a");
        }

        Run all = console(env, "ops", "--path", "/proj", "--json");
        assertEquals(0, all.code(), all.err());
        JsonNode records = new ObjectMapper().readTree(all.out()).get("records");
        assertEquals(List.of("MKDIR /proj", "CREATE /proj/a", "WRITE /proj/a", "RENAME /other/b", "WRITE /proj/b",
                "REMOVE /proj/a"), opsAndPaths(records), all.out());
        assertEquals("/proj/b", records.get(3).get("to").asText());
        long renameSeq = records.get(3).get("seq").asLong();
        assertTrue(records.get(0).get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), all.out());

        Run since = console(env, "ops", "--path", "/proj", "--from", between.toString(), "--json");
        assertEquals(0, since.code(), since.err());
        assertEquals(List.of("RENAME /other/b", "WRITE /proj/b", "REMOVE /proj/a"),
                opsAndPaths(new ObjectMapper().readTree(since.out()).get("records")), since.out());

        Run renames = console(env, "ops", "--op", "rename");
        assertEquals(0, renames.code(), renames.err());
        assertTrue(renames.out().matches("(?s)#" + renameSeq + " +\\S+ RENAME  /other/b -> /proj/b  \\(127\\.0\\.0\\.1 uid 0\\).*"
                + "\\(1 operation; \\d+ records read\\)\n"), renames.out());

        Run show = console(env, "show", "#" + renameSeq);
        assertEquals(0, show.code(), show.err());
        assertTrue(show.out().contains("op       RENAME\n") && show.out().contains("to       /proj/b\n"), show.out());
        Run missing = console(env, "show", "999999");
        assertEquals(6, missing.code(), missing.err());
        assertTrue(missing.err().contains("no record #999999 in the journal"), missing.err());
        Run badGlob = console(env, "ops", "--glob", "/proj/[");
        assertEquals(2, badGlob.code(), badGlob.err());
        assertTrue(badGlob.err().contains("bad glob '/proj/['"), badGlob.err());
        Run badTime = console(env, "ops", "--from", "yesterday");
        assertEquals(2, badTime.code(), badTime.err());
        assertTrue(badTime.err().contains("--from: not a time: 'yesterday'"), badTime.err());

        // the backup's receive journal holds the same records: the same answer there
        long last = p.get("/api/v1/status").get("lastSeq").asLong();
        assertTrue(Await.within(Duration.ofSeconds(60), () -> b.get("/api/v1/status").get("lastSeq").asLong() >= last),
                "the backup holds #" + last + " within 60 s");
        Run onBackup = console(Map.of(), "--node", b.url(), "--token", b.token(), "ops", "--path", "/proj", "--json");
        assertEquals(0, onBackup.code(), onBackup.err());
        assertEquals(records, new ObjectMapper().readTree(onBackup.out()).get("records"));
    }

    private static List<String> opsAndPaths(JsonNode records) {
        List<String> l = new java.util.ArrayList<>();
        records.forEach(r -> l.add(r.get("op").asText() + " " + r.get("path").asText()));
        return l;
    }
}
