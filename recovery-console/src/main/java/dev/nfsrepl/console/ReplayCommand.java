package dev.nfsrepl.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code replay}: makes the chosen logged operations again, in order, in place or in another directory. */
@Command(name = "replay", description = "Makes the logged operations the filters choose again, in journal order, on "
        + "the paths they acted on (in place), or re-rooted from --path into --into. Each operation's result is "
        + "listed; replaying twice changes nothing more. Start with --dry-run: it lists what would be done and "
        + "changes nothing.")
final class ReplayCommand implements Callable<Integer> {

    @ParentCommand
    Console console;

    @Spec
    CommandSpec spec;

    @Mixin
    FilterOptions filters;

    @Option(names = "--into", paramLabel = "DIR", description = "Replay the operations on --path P/x on DIR/x "
            + "(a directory of the export) instead of in place.")
    String into;

    @Option(names = "--dry-run", description = "List what would be done; change nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "The finished job as JSON (its result: matched, done, alreadySo, "
            + "skipped, failed, steps: seq, time, op, path, target, action, result).")
    boolean json;

    @Override
    public Integer call() throws ConsoleException {
        NodeClient node = console.client();
        Map<String, Object> body = filters.params(Clock.systemDefaultZone());
        if (body.size() == (body.containsKey("export") ? 1 : 0)) {
            throw new ConsoleException(Console.USAGE, "replay needs at least one filter (--path, --client, --from, "
                    + "...): replaying the whole journal in place would redo every change");
        }
        body.put("into", into);
        body.put("dryRun", dryRun);
        JsonNode r = JobWatch.run(node, "/api/v1/replay", body, spec.commandLine(), json, "replay");
        if (!json) {
            print(spec.commandLine().getOut(), r, dryRun);
        }
        return r.path("failed").asLong() > 0 ? Console.SOME_FAILED : Console.OK;
    }

    /** A replay's steps and totals, a line each (as {@code replay} and {@code divergence --replay-on} show them). */
    static void print(PrintWriter out, JsonNode r, boolean dryRun) {
        for (JsonNode s : r.path("steps")) {
            out.printf("#%-9d %s %-7s %s%s: %s: %s%n", s.path("seq").asLong(), s.path("time").asText(),
                    s.path("op").asText(), s.path("path").asText(), s.path("target").isTextual()
                            && !s.path("target").asText().equals(s.path("path").asText())
                            ? " (on " + s.path("target").asText() + ")" : "", s.path("action").asText(),
                    s.path("result").asText());
        }
        out.printf("%s%d operations matched: %d %s, %d already so, %d skipped, %d failed%n",
                dryRun ? "dry run, nothing changed. " : "", r.path("matched").asLong(), r.path("done").asLong(),
                dryRun ? "would be done" : "done", r.path("alreadySo").asLong(), r.path("skipped").asLong(),
                r.path("failed").asLong());
    }
}
