package dev.nfsrepl.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code divergence [NAME]}: what a returning old primary wrote that the new primary never received. */
@Command(name = "divergence", description = "Lists the records this node wrote as an older primary that the primary "
        + "after it never received (kept when it returned as a backup, before its copy was replaced); with NAME, "
        + "every record of one of them; with NAME and --replay-on, replays them on the primary (start with "
        + "--dry-run).")
final class DivergenceCommand implements Callable<Integer> {

    @ParentCommand
    Console console;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "One divergence's name (from the list).")
    String name;

    @Option(names = "--export", paramLabel = "PATH", description = "The export; needed when the node serves several.")
    String export;

    @Option(names = "--json", description = "JSON: the list ({name, records, firstSeq, lastSeq, from, to, byType, dir}), "
            + "the records, or the finished replay job.")
    boolean json;

    @Option(names = "--replay-on", paramLabel = "URL", description = "Replay divergence NAME (read from --node) on "
            + "the primary whose admin API is at URL: each record is made again, in order, on the path its object had "
            + "(the primary's names before the fork, moved on by the records), on the tree as it is now; records "
            + "already so count as such. The primary's newer changes to the same files can be overwritten: look at "
            + "--dry-run first.")
    String replayOn;

    @Option(names = "--replay-token", paramLabel = "T", description = "The primary's admin token (default: --token).")
    String replayToken;

    @Option(names = "--dry-run", description = "With --replay-on: list what would be done; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws ConsoleException {
        NodeClient node = console.client();
        PrintWriter out = spec.commandLine().getOut();
        if (replayOn != null) {
            return replay(node, out);
        }
        if (dryRun) {
            throw new ConsoleException(Console.USAGE, "--dry-run goes with --replay-on URL");
        }
        String path = name == null ? "/api/v1/divergence" : "/api/v1/divergence/" + name;
        JsonNode all = node.get(new Query(path).param("export", export).toString());
        if (json) {
            out.println(all.toPrettyString());
            return Console.OK;
        }
        if (name == null) {
            if (all.isEmpty()) {
                out.println("no divergence: this node holds no record a newer primary lacks");
            }
            for (JsonNode d : all) {
                out.printf("%s: %d records, #%d..#%d, %s .. %s, %s%n", d.path("name").asText(), d.path("records").asLong(),
                        d.path("firstSeq").asLong(), d.path("lastSeq").asLong(), d.path("from").asText(),
                        d.path("to").asText(), d.path("byType"));
            }
        } else {
            for (JsonNode r : all) {
                out.printf("#%-10d %s %-8s %s%n", r.path("seq").asLong(), r.path("time").asText(), r.path("op").asText(), r);
            }
        }
        return Console.OK;
    }

    private int replay(NodeClient holder, PrintWriter out) throws ConsoleException {
        if (name == null) {
            throw new ConsoleException(Console.USAGE, "--replay-on needs the divergence's NAME (see 'divergence')");
        }
        String t = replayToken != null ? replayToken : console.token();
        if (t == null || t.isBlank()) {
            throw new ConsoleException(Console.USAGE, "no token for " + replayOn + ": give --replay-token T");
        }
        JsonNode kept = holder.get(new Query("/api/v1/divergence/" + name + "/records").param("export", export)
                .toString());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("fork", kept.path("fork"));
        body.put("rootId", kept.path("rootId"));
        body.put("generation", kept.path("generation"));
        body.put("batches", kept.path("batches"));
        body.put("dryRun", dryRun);
        body.put("export", export);
        NodeClient primary = new NodeClient(replayOn.strip(), t.strip());
        spec.commandLine().getErr().printf("%s: %d records from #%d, kept by %s, %s on %s%n", name,
                kept.path("records").asLong(), kept.path("fork").asLong(), holder.base(),
                dryRun ? "planned (dry run)" : "replayed", primary.base());
        JsonNode r = JobWatch.run(primary, "/api/v1/divergence/replay", body, spec.commandLine(), json,
                "divergence replay");
        if (!json) {
            ReplayCommand.print(out, r, dryRun);
        }
        // a change of the divergence skipped (its path unknown, a hard link) is not made again: the operator must
        // look; records with nothing to redo (COMMIT, MARK) or cancelled by an ABORT are not such changes
        long notMade = 0;
        for (JsonNode s : r.path("steps")) {
            String result = s.path("result").asText();
            if (result.startsWith("skipped") && !result.startsWith("skipped: nothing to redo")
                    && !result.startsWith("skipped: cancelled by an ABORT")) {
                notMade++;
            }
        }
        return r.path("failed").asLong() + notMade > 0 ? Console.SOME_FAILED : Console.OK;
    }
}
